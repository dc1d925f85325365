import { stat } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { summarizeJournal } from '../../shared/domain/run-journal';
import { TAG_CREATED_BY, TAG_RUN_ID } from '../../shared/domain/tags';
import { scanAccount } from './cost/scanner';
import { readJournal } from './journal/run-journal';
import { launchRun } from './launch';
import { teardownRun } from './teardown';
import { fakeWorld } from './testing/fake-lifecycle';

describe('launch against the in-memory EC2', () => {
  it('logs in as compute.sshUser when the config names one (a custom AMI), else as the image says', async () => {
    const { deps, config } = await fakeWorld({ compute: { sshUser: 'admin' } });
    const run = await launchRun(config, deps, { runId: 'custom-20250601-120000-ab12' });
    expect(run.sshUser).toBe('admin');
  });

  it('creates a tagged, reachable instance, journals every create, and teardown leaves $0/h', async () => {
    const { fake, deps, config, clock } = await fakeWorld();
    const steps: string[] = [];
    const run = await launchRun(config, deps, {
      runId: 'demo-20250601-120000-ab12',
      onStep: (step) => steps.push(step),
    });

    expect(run).toMatchObject({
      region: 'eu-west-1',
      sshUser: 'ubuntu',
      publicIp: expect.stringMatching(/^203\.0\.113\./),
    });
    expect(run.hostKeyFingerprints[0]).toMatch(/^SHA256:/);
    expect(steps).toEqual([
      'key-pair',
      'security-group',
      'ssh-rule',
      'instance-profile',
      'instance', // "eu-west-1a: launching"
      'instance', // "eu-west-1a: launched"
      'running',
      'status-checks',
      'host-key',
      'ssh',
    ]);
    expect((await stat(run.keyFile)).mode & 0o777).toBe(0o600);

    const region = fake.region('eu-west-1');
    const everything = [
      ...region.instances.values(),
      ...region.volumes.values(),
      ...region.keyPairs.values(),
      ...region.securityGroups.values(),
    ];
    expect(everything.length).toBe(4);
    for (const resource of everything) {
      expect(resource.tags).toMatchObject({
        [TAG_RUN_ID]: run.runId,
        [TAG_CREATED_BY]: 'traindeck/test',
        Name: `traindeck-${run.runId}`,
      });
    }
    expect([...region.volumes.values()].every((volume) => volume.deleteOnTermination)).toBe(true);
    expect([...region.securityGroups.values()][0]?.ingress).toEqual([
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '198.51.100.23/32', tags: expect.any(Object) },
    ]);

    const journal = summarizeJournal(await readJournal(deps.dataDir, run.runId));
    expect(journal).toMatchObject({ closed: false, pendingIntents: [], ready: { instanceId: run.instanceId } });
    expect(journal?.created.map((c) => c.kind)).toEqual([
      'key-pair',
      'security-group',
      'security-group',
      'instance-profile',
      'instance',
    ]);

    const report = await teardownRun(run.runId, {
      dataDir: deps.dataDir,
      ports: fake.ports(),
      clock,
      sleep: clock.sleep,
    });
    expect(report.closed).toBe(true);
    expect(report.survivors).toEqual([]);
    const after = await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep });
    expect(after.totalHourlyUsd).toBe(0);
    expect(after.resources).toEqual([]);
    expect(summarizeJournal(await readJournal(deps.dataDir, run.runId))?.closed).toBe(true);
  });
});
