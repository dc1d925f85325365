import { describe, expect, it } from 'vitest';

import { summarizeJournal } from '../../shared/domain/run-journal';
import { readJournal } from './journal/run-journal';
import { launchRun } from './launch';
import { teardownRun } from './teardown';
import { fakeWorld } from './testing/fake-lifecycle';

describe('teardown of one run', () => {
  it('finds leftovers by tag (a detached volume, an Elastic IP), deletes them and closes the journal', async () => {
    const { fake, deps, config, clock } = await fakeWorld();
    const run = await launchRun(config, deps, { runId: 'leftovers-20250601-000000-cccc' });
    const eu = fake.region('eu-west-1');
    const tags = eu.instances.get(run.instanceId)!.tags;
    eu.volumes.set('vol-extra', {
      id: 'vol-extra',
      volumeType: 'gp3',
      sizeGb: 500,
      state: 'available',
      tags,
      deleteOnTermination: false,
    });
    eu.addresses.set('eipalloc-x', {
      allocationId: 'eipalloc-x',
      publicIp: '198.51.100.9',
      associationId: 'eipassoc-x',
      instanceId: run.instanceId,
      tags,
    });
    const report = await teardownRun(run.runId, {
      dataDir: deps.dataDir,
      ports: fake.ports(),
      clock,
      sleep: clock.sleep,
    });
    expect(report.closed).toBe(true);
    expect(report.outcomes.map((o) => o.resource.id)).toEqual(
      expect.arrayContaining(['vol-extra', 'eipalloc-x', run.instanceId]),
    );
    expect(eu.volumes.size + eu.addresses.size + eu.keyPairs.size + eu.securityGroups.size).toBe(0);
  });

  it('keeps the journal open while an instance is stuck in shutting-down, and closes it on a later teardown', async () => {
    const { fake, deps, config, clock } = await fakeWorld();
    const run = await launchRun(config, deps, { runId: 'stuck-20250601-000000-dddd' });
    fake.region('eu-west-1').instances.get(run.instanceId)!.stuck = true;
    const first = await teardownRun(run.runId, {
      dataDir: deps.dataDir,
      ports: fake.ports(),
      clock,
      sleep: clock.sleep,
      instanceWaitMs: 120_000,
    });
    expect(first.closed).toBe(false);
    expect(first.survivors.map((s) => s.resource.id)).toContain(run.instanceId);
    const journal = summarizeJournal(await readJournal(deps.dataDir, run.runId));
    expect(journal?.closed).toBe(false);

    fake.region('eu-west-1').instances.get(run.instanceId)!.stuck = false;
    const second = await teardownRun(run.runId, {
      dataDir: deps.dataDir,
      ports: fake.ports(),
      clock,
      sleep: clock.sleep,
    });
    expect(second.closed).toBe(true);
    expect(second.rescan.totalHourlyUsd).toBe(0);
  });

  it('refuses a malformed run id and an unknown one', async () => {
    const { fake, deps, clock } = await fakeWorld();
    const options = { dataDir: deps.dataDir, ports: fake.ports(), clock, sleep: clock.sleep };
    await expect(teardownRun('../etc', options)).rejects.toThrow(/not a run id/);
    await expect(teardownRun('nope-20250601-000000-eeee', options)).rejects.toThrow(
      /No journal and no resource tagged/,
    );
  });
});
