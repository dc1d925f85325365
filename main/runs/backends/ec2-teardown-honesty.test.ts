import { access } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { summarizeJournal } from '../../../shared/domain/run-journal';
import { readJournal, runKeyFile } from '../../lifecycle/journal/run-journal';
import { teardownRun } from '../../lifecycle/teardown';
import { type FakeWorld, fakeWorld } from '../../lifecycle/testing/fake-lifecycle';
import { runEc2PipelineOn } from '../testing/ec2-pipeline';

const RUN = 'demo-20250601-120000-ab12';
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const runOn = (world: FakeWorld) => runEc2PipelineOn(world, RUN);

describe('honest teardown after a failed launch', () => {
  it('sshd never answers and a delete is refused: tearing-down names the survivor, the run fails, the journal stays open', async () => {
    const world = await fakeWorld();
    world.deps.probe = { sshBanner: async () => undefined };
    world.fake.failOperation('deleteSecurityGroup', 'UnauthorizedOperation');

    const { result, phase } = await runOn(world);
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/^provisioning: Launch failed at "ssh"/);
    const teardown = phase('tearing-down', 'failed');
    expect(teardown?.reason).toMatch(/^teardown left 1 resource\(s\): security-group sg-\w+ \(.*UnauthorizedOperation/);
    expect(teardown?.fix).toContain(`traindeck teardown ${RUN}`);
    expect(teardown?.detail).toMatchObject({ survivors: [expect.stringMatching(/^security-group sg-/)] });
    expect(phase('tearing-down', 'succeeded')).toBeUndefined();

    // The journal is left open for `traindeck teardown`, and the run's key stays with it.
    const summary = summarizeJournal(await readJournal(world.deps.dataDir, RUN));
    expect(summary?.closed).toBe(false);
    expect(await exists(runKeyFile(world.deps.dataDir, RUN))).toBe(true);

    // Once AWS lets go, `traindeck teardown` closes the journal and removes the run's private key.
    world.fake.clearFault('deleteSecurityGroup');
    const report = await teardownRun(RUN, {
      dataDir: world.deps.dataDir,
      ports: world.fake.ports(),
      clock: world.clock,
      sleep: world.clock.sleep,
      regions: ['eu-west-1'],
    });
    expect(report.closed).toBe(true);
    expect(summarizeJournal(await readJournal(world.deps.dataDir, RUN))?.closed).toBe(true);
    expect(await exists(runKeyFile(world.deps.dataDir, RUN))).toBe(false);
  });

  it('a launch whose own cleanup left nothing reports what it created and deleted, not "nothing was launched"', async () => {
    const world = await fakeWorld();
    world.deps.probe = { sshBanner: async () => undefined };
    const { result, phase } = await runOn(world);
    expect(result.outcome).toBe('failed');
    const teardown = phase('tearing-down', 'succeeded');
    // Created: key pair, security group, instance; deleted adds the instance's root volume, found by its tag.
    expect(teardown?.detail).toMatchObject({ created: 3, deleted: 4, remainingHourlyUsd: 0 });
    expect(JSON.stringify(teardown?.detail)).not.toContain('nothing was launched');
    expect(await exists(runKeyFile(world.deps.dataDir, RUN))).toBe(false);
  });

  it('a preflight failure stops the run in its preflight phase: nothing created, nothing to tear down', async () => {
    const world = await fakeWorld();
    world.fake.identityFault = 'no-credentials';
    const { result, events, phase } = await runOn(world);
    expect(result.outcome).toBe('failed');
    expect(phase('preflight', 'failed')?.reason).toMatch(
      /^Preflight failed: Identity: No AWS credentials were found\./,
    );
    expect(events.some((e) => e.type === 'phase' && e.phase === 'provisioning')).toBe(false);
    expect(world.fake.writes).toEqual([]);
  });
});
