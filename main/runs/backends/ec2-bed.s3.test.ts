import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { RUN_PHASES } from '../../../shared/domain/run';
import { TAG_RUN_ID } from '../../../shared/domain/tags';
import type { FakeAws } from '../../aws/fake/fake-aws';
import type { AwsQueryServer } from '../../aws/testing/aws-query-server';
import { type Ec2TestBed, leftOfRun, onInstanceRefusal } from '../../aws/testing/ec2-test-bed';
import { listFiles, type RawConfig, type RunFixture } from '../pipeline/testing/run-fixture';
import { createEc2Backend } from './ec2-backend';
import { type Ec2BedWorld, startEc2BedWorld, story } from './testing/ec2-bed-world';

// The aws-ec2 backend end to end on the EC2 test bed: the SDK's real clients over HTTP to the
// stateful EC2 fake, each launched instance a real sshd on loopback (its host key pinned from the
// fake's console output, the run's key pair authorized as cloud-init does) with its own IMDSv2 (the
// instance role's keys: the Ceph store's), the executor on it, Ceph RGW for S3, the repo cloned over
// SSH with a deploy key. Invariants: a run ends at $0/h with a true report and the fake holds nothing
// of it but a terminated instance (no volume, security group, key pair; the prefix's instance role is
// shared by design); a spot notice mid-training stops the training, the data is pushed, and the run
// ends torn down, saying why.

// SAFETY: never where the executor's power-off would be real (a CI runner on EC2).
const refusal = onInstanceRefusal();
if (refusal) console.warn(`ec2-bed.s3.test.ts skipped: ${refusal}.`);

let world: Ec2BedWorld;
let f: RunFixture;
let fake: FakeAws;
let bed: Ec2TestBed;
let server: AwsQueryServer;

beforeAll(async () => {
  if (refusal) return;
  world = await startEc2BedWorld('ec2bed');
  ({ f, fake, bed, server } = world);
}, 120_000);

afterAll(async () => {
  if (refusal) return;
  await world?.close();
});

const deps = (name: string) => world.deps(name);
const ec2Config = (patch: (raw: RawConfig) => void) => world.config(patch);

describe.skipIf(refusal)('the aws-ec2 backend on the EC2 test bed (SDK over HTTP, real sshd, Ceph RGW)', () => {
  it('launch, connect, bootstrap, check out, pull, train, push, verify, teardown to $0/h with a true report', async () => {
    let instanceId = '';
    const config = ec2Config((raw) => (raw.training.env = { EPOCHS: '2', STEPS: '3' }));
    const run = await f.run(
      config,
      (runId) => {
        world.runIds.push(runId);
        return createEc2Backend(config, runId, deps('whole'));
      },
      {
        onEvent: (e) =>
          e.type === 'phase' && e.phase === 'connecting' && (instanceId ||= bed.instances().at(-1)!.instanceId),
      },
    );
    const { snapshot, events } = run;
    expect(run.result.outcome, story(events)).toBe('succeeded');
    for (const phase of RUN_PHASES) {
      expect(snapshot.phases[phase]?.status, `${phase}\n${story(events)}`).toBe('succeeded');
    }
    // The host key was pinned from the console output, not trusted at first sight.
    expect(snapshot.phases.provisioning.detail).toMatchObject({ instanceId, hostKeys: 'from the console' });
    expect(run.trainLines.at(-2)).toMatch(/ epoch 2 step 6 loss 0\.1667$/);
    const keys = await f.fx.keys();
    expect(keys).toEqual(
      expect.arrayContaining([
        'runs/test/checkpoints/epoch-001.ckpt',
        'runs/test/checkpoints/epoch-002.ckpt',
        'runs/test/models/model.json',
        `runs/test/logs/${snapshot.runId}/train.log`,
      ]),
    );
    // A true report: everything deleted and verified, nothing billing.
    expect(snapshot.phases['tearing-down'].detail).toMatchObject({ remainingHourlyUsd: 0 });
    expect(leftOfRun(fake, snapshot.runId)).toEqual([]);
    // IAM keeps one thing by design (README: the role is shared by the runs of one prefix, and free).
    expect([...fake.roles.keys()]).toEqual([expect.stringMatching(/^TrainDeck-/)]);
    expect(fake.region(inject('s3').region).instances.get(instanceId)?.state).toBe('terminated');
    expect(bed.instance(instanceId).up).toBe(false);
    expect(server.calls()).toEqual(expect.arrayContaining(['RunInstances', 'GetConsoleOutput', 'TerminateInstances']));
    expect(bed.failures()).toEqual([]);
    // The instance's disk (its work folder) holds neither the SSE-C key nor the deploy key: both went over stdin.
    const secrets = [f.fx.keyBytes.toString('base64'), readFileSync(f.deployKeyFile, 'utf8').split('\n')[1]!];
    const onDisk = listFiles(join('/var/tmp/traindeck', snapshot.runId));
    expect(onDisk.some((file) => file.endsWith('spec.json'))).toBe(true);
    for (const file of onDisk) {
      for (const secret of secrets) expect(readFileSync(file, 'latin1').includes(secret), file).toBe(false);
    }
  });

  it('a spot notice mid-training: training stops, the data is pushed, the run ends torn down and says why', async () => {
    let runId = '';
    let notice: { action: string; time: string } | undefined;
    const config = ec2Config((raw) => {
      raw.training.env = { EPOCHS: '3', STEPS: '2', HANG_AFTER_EPOCH: '1' };
      (raw.compute as Record<string, unknown>).market = 'spot';
    });
    const run = await f.run(
      config,
      (id) => {
        world.runIds.push((runId = id));
        return createEc2Backend(config, id, deps('spot'));
      },
      {
        onEvent: (e) => {
          // Epoch 1 is checkpointed and the training waits: AWS announces the reclaim now.
          if (notice || e.type !== 'log' || !e.line.endsWith(' hanging')) return;
          const instance = bed
            .instances()
            .find((i) => fake.region(i.region).instances.get(i.instanceId)?.tags[TAG_RUN_ID] === runId);
          notice = bed.postSpotNotice(instance!.instanceId);
        },
      },
    );
    const { snapshot, events } = run;
    expect(notice, story(events)).toBeDefined();
    // The executor heard it (its watch reads the instance's IMDS, found as the SDK finds it) and said why.
    expect(snapshot.phases.training, story(events)).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('spot interruption notice'),
    });
    expect(run.trainLines.some((l) => l.endsWith('SIGTERM received, saving'))).toBe(true);
    expect(snapshot.phases.pushing.status).toBe('succeeded');
    expect(snapshot.phases['verifying-sync'].status).toBe('succeeded');
    const keys = await f.fx.keys();
    expect(keys).toEqual(
      expect.arrayContaining(['runs/test/checkpoints/interrupted.ckpt', `runs/test/logs/${runId}/train.log`]),
    );
    // The run's end says why.
    expect(run.result).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('spot interruption notice'),
    });
    // Torn down to $0/h all the same, nothing of the run left.
    expect(snapshot.phases['tearing-down']).toMatchObject({ status: 'succeeded', detail: { remainingHourlyUsd: 0 } });
    expect(leftOfRun(fake, runId)).toEqual([]);
    const [instance] = [...fake.region(inject('s3').region).instances.values()].filter(
      (i) => i.tags[TAG_RUN_ID] === runId,
    );
    expect(instance).toMatchObject({ market: 'spot', state: 'terminated' });
    expect(bed.instance(instance!.id).up).toBe(false);
  });
});
