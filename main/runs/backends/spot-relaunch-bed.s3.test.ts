import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { RunAttempt } from '../../../shared/report/run-attempts';
import { leftOfRun, onInstanceRefusal } from '../../aws/testing/ec2-test-bed';
import { readJournal } from '../../lifecycle/journal/run-journal';
import { type Ec2BedWorld, startEc2BedWorld, story } from './testing/ec2-bed-world';
import {
  instancesOf as instancesOfRun,
  type SpotRun,
  spotRun as spotRunOf,
  type SpotRunArgs,
} from './testing/spot-run';

// Spot relaunch end to end on the EC2 test bed (SDK over HTTP, a real sshd and IMDSv2 per instance,
// Ceph RGW). Each test's training hangs after chosen epochs; the test then posts a spot notice on
// that attempt's instance. Invariants: one instance of the run at a time (the interrupted one is
// terminated, verified, before the next is launched); the relaunched training resumes from the newest
// checkpoint pulled (TRAINDECK_RESUME_FROM: its steps continue, none repeated); every attempt is
// recorded (instance, zone, market, times, why it ended) and journaled; the run ends with a verified
// sync, at $0/h, with nothing of it left in the fake, whatever ends it (finished, relaunches used
// up, the user's Stop during a relaunch).

// SAFETY: never where the executor's power-off would be real (a CI runner on EC2).
const refusal = onInstanceRefusal();
if (refusal) console.warn(`spot-relaunch-bed.s3.test.ts skipped: ${refusal}.`);

let world: Ec2BedWorld;

beforeAll(async () => {
  if (refusal) return;
  world = await startEc2BedWorld('relaunch');
}, 120_000);

afterAll(async () => {
  if (refusal) return;
  await world?.close();
});

const instancesOf = (runId: string) => instancesOfRun(world, runId);
const spotRun = (...args: SpotRunArgs) => spotRunOf(world, ...args);

// Every attempt of a torn-down run: numbered 1..N, its own instance (terminated), zone and times.
function expectAttemptsRecorded(run: SpotRun, ends: Array<RunAttempt['end']>, markets: Array<RunAttempt['market']>) {
  const { attempts } = run;
  expect(
    attempts.map((a) => a.end),
    story(run.events),
  ).toEqual(ends);
  expect(attempts.map((a) => a.attempt)).toEqual(ends.map((_, i) => i + 1));
  expect(attempts.map((a) => a.market)).toEqual(markets);
  const region = world.fake.region(inject('s3').region);
  for (const a of attempts) {
    expect(a.instanceId).toMatch(/^i-/);
    expect(region.zones).toContain(a.zone);
    expect(Date.parse(a.endedAt!)).toBeGreaterThanOrEqual(Date.parse(a.startedAt));
    expect(region.instances.get(a.instanceId)).toMatchObject({ state: 'terminated', instanceType: a.instanceType });
    expect(world.bed.instance(a.instanceId).up).toBe(false);
  }
  expect(new Set(attempts.map((a) => a.instanceId)).size).toBe(attempts.length);
  // One at a time: no earlier instance of the run was up when the next one launched.
  expect(run.upAtLaunch.every((n) => n === 0)).toBe(true);
}

// The run ends at $0/h: the teardown verified, nothing of the run left in the fake.
function expectNothingLeft(run: SpotRun) {
  expect(run.snapshot.phases['tearing-down'], story(run.events)).toMatchObject({
    status: 'succeeded',
    detail: { remainingHourlyUsd: 0 },
  });
  expect(leftOfRun(world.fake, run.runId)).toEqual([]);
  expect(instancesOf(run.runId).filter((i) => i.up)).toEqual([]);
}

// Training lines are "<time> [stdout] epoch 1 step 2 loss 0.5000".
const steps = (lines: string[]) => lines.flatMap((l) => / epoch \d+ step (\d+) /.exec(l)?.[1] ?? []).map(Number);

describe.skipIf(refusal)('spot relaunch on the EC2 test bed (SDK over HTTP, real sshd + IMDSv2, Ceph RGW)', () => {
  it('interrupted twice, relaunched twice: the training resumes from TRAINDECK_RESUME_FROM and finishes', async () => {
    const run = await spotRun('resume', { maxRelaunches: 2 }, '1,2');
    expect(run.result.outcome, story(run.events)).toBe('succeeded');
    expectAttemptsRecorded(run, ['interrupted', 'interrupted', 'finished'], ['spot', 'spot', 'spot']);
    // The relaunch tried the other zones first: AWS had just reclaimed capacity in the last one.
    const [a1, a2, a3] = run.attempts;
    expect(a2!.zone).not.toBe(a1!.zone);
    expect(a3!.zone).not.toBe(a2!.zone);
    // Resumed, not restarted: each step once, in order, across the three instances.
    expect(run.trainLines.filter((l) => l.includes(' resumed from '))).toEqual([
      expect.stringMatching(/checkpoints\/interrupted\.ckpt after epoch 1 \(attempt 2\)$/),
      expect.stringMatching(/checkpoints\/interrupted\.ckpt after epoch 2 \(attempt 3\)$/),
    ]);
    expect(steps(run.trainLines)).toEqual([1, 2, 3, 4, 5, 6]);
    // #17 point 5: each spot attempt priced from its zone's price history (DescribeSpotPriceHistory of
    // the fake, through the SDK over HTTP), not at the on-demand upper bound.
    for (const a of run.attempts) {
      expect(a, `attempt ${a.attempt}`).toMatchObject({
        costUsd: expect.any(Number),
        costNote: expect.stringMatching(
          new RegExp(`^\\d+\\.\\d\\d h of spot in ${a.zone} at avg \\$[\\d.]+/h \\(EC2's price history\\), `),
        ),
      });
      expect(a.costUpperBound, a.costNote).toBeUndefined();
    }
    expect(run.snapshot.phases['verifying-sync'].status).toBe('succeeded');
    expect(await world.f.fx.keys()).toEqual(
      expect.arrayContaining(['runs/resume/models/model.json', 'runs/resume/checkpoints/epoch-003.ckpt']),
    );
    expectNothingLeft(run);
    // Every attempt journaled: a relaunch line each, and each launch's own placement attempts.
    const journal = await readJournal(join(world.f.dir, 'data-resume'), run.runId);
    expect(journal.filter((e) => e.type === 'relaunch').map((e) => e.type === 'relaunch' && e.market)).toEqual([
      'spot',
      'spot',
    ]);
    const launched = journal.flatMap((e) => (e.type === 'attempt' && e.outcome === 'launched' ? [e.instanceId] : []));
    expect(launched).toEqual(run.attempts.map((a) => a.instanceId));
    expect(journal.at(-1)).toMatchObject({ type: 'closed' });
  });

  it('relaunches used up: the next one is on-demand (fallbackOnDemand), and the run finishes', async () => {
    const run = await spotRun('fallback', { maxRelaunches: 1, fallbackOnDemand: true }, '1,2');
    expect(run.result.outcome, story(run.events)).toBe('succeeded');
    expectAttemptsRecorded(run, ['interrupted', 'interrupted', 'finished'], ['spot', 'spot', 'on-demand']);
    expect(steps(run.trainLines)).toEqual([1, 2, 3, 4, 5, 6]);
    expectNothingLeft(run);
  });

  it('relaunches used up without fallbackOnDemand: the run ends with a true report at $0/h', async () => {
    const run = await spotRun('used-up', { maxRelaunches: 1 }, '1,2');
    expect(run.result).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('interrupted again after 1 spot relaunch(es)'),
    });
    expect(run.result.reason).toContain('spot interruption notice');
    expectAttemptsRecorded(run, ['interrupted', 'interrupted'], ['spot', 'spot']);
    expect(steps(run.trainLines)).toEqual([1, 2, 3, 4]);
    expect(run.snapshot.phases['verifying-sync'].status).toBe('succeeded');
    expectNothingLeft(run);
  });

  it('the relaunch teardown fails: the attempt is recorded interrupted, the failure said, nothing left, nothing relaunched', async () => {
    let faulted = false;
    const run = await spotRun('teardown-fails', { maxRelaunches: 2 }, '1,2', {
      onEvent: (e) => {
        // AWS's notice is posted: the interrupted instance's teardown will fail to delete its key pair.
        if (e.type === 'log' && e.line.endsWith(' hanging') && !faulted) {
          faulted = true;
          world.fake.failOperation('deleteKeyPair', 'InternalError');
        }
        // The relaunch's teardown failed: the run's own teardown (the next layer) may now succeed.
        if (e.type === 'phase' && e.phase === 'tearing-down' && e.status === 'failed') {
          world.fake.clearFault('deleteKeyPair');
        }
      },
    });
    world.fake.clearFault('deleteKeyPair');
    expect(run.result.outcome, story(run.events)).toBe('failed');
    // The relaunch's teardown failure is said (its phase), then the run's own teardown cleaned up.
    expect(run.events).toContainEqual(
      expect.objectContaining({
        type: 'phase',
        phase: 'tearing-down',
        status: 'failed',
        reason: expect.stringMatching(/teardown/),
      }),
    );
    expect(run.attempts.map((a) => a.end)).toEqual(['interrupted']);
    expect(instancesOf(run.runId)).toHaveLength(1);
    expect(leftOfRun(world.fake, run.runId)).toEqual([]);
    expect(instancesOf(run.runId).filter((i) => i.up)).toEqual([]);
  });

  it('the user stops the run while it relaunches: nothing is left running, $0/h', async () => {
    const stop = new AbortController();
    const run = await spotRun('stopped', { maxRelaunches: 2 }, '1,2', {
      signal: stop.signal,
      // The interrupted instance is torn down and the relaunch is provisioning: Stop.
      onEvent: (e) => {
        if (e.type === 'log' && /^spot relaunch 1 of 2: tearing down/.test(e.line)) stop.abort();
      },
    });
    expect(run.result.outcome, story(run.events)).toBe('cancelled');
    // The interrupted attempt ended; the relaunch never launched an instance.
    expect(run.attempts[0]).toMatchObject({ attempt: 1, end: 'interrupted' });
    expect(run.attempts.every((a) => a.end !== undefined)).toBe(true);
    expect(run.attempts.filter((a) => a.instanceId)).toHaveLength(1);
    expectNothingLeft(run);
  });

  // #17 point 3: a relaunch whose instance was created before a Stop or a failure ended its launch. The launch
  // cleanup terminated that instance, but it ran: its attempt row names it and bills it (AWS's 60 s minimum at least).
  const relaunchCut = async (name: string, cut: (stop: AbortController) => void, undo = () => {}) => {
    const stop = new AbortController();
    let relaunching = false;
    let cutDone = false;
    const run = await spotRun(name, { maxRelaunches: 2 }, '1,2', {
      signal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'log' && /^spot relaunch 1 of 2: tearing down/.test(e.line)) relaunching = true;
        // The relaunch's RunInstances answered: provisioning now waits for the instance to run.
        if (
          relaunching &&
          !cutDone &&
          e.type === 'phase' &&
          e.phase === 'provisioning' &&
          e.detail?.step === 'running'
        ) {
          cutDone = true;
          cut(stop);
        }
      },
    }).finally(undo);
    expect(cutDone, story(run.events)).toBe(true);
    const launched = instancesOf(run.runId);
    expect(launched).toHaveLength(2);
    const region = world.fake.region(inject('s3').region);
    const second = region.instances.get(launched[1]!.instanceId)!;
    expect(second.state).toBe('terminated');
    expect(run.attempts[1], story(run.events)).toMatchObject({
      attempt: 2,
      instanceId: launched[1]!.instanceId,
      instanceType: second.instanceType,
      market: 'spot',
      costUsd: expect.any(Number),
    });
    expect(region.zones).toContain(run.attempts[1]!.zone);
    expect(run.attempts[1]!.costUsd).toBeGreaterThan(0);
    expect(run.attempts[1]!.costNote).not.toContain('No instance was launched');
    // The run's cost counts it (its own line), and the teardown says what the launch cleanup deleted.
    expect(run.snapshot.phases['tearing-down'].detail).toMatchObject({ created: expect.any(Number) });
    expect(Number(run.snapshot.phases['tearing-down'].detail?.created)).toBeGreaterThanOrEqual(3);
    expectNothingLeft(run);
    return run;
  };

  it('a Stop right after the relaunch’s RunInstances answered: the attempt shows its instance and bills it', async () => {
    const run = await relaunchCut('stop-launched', (stop) => stop.abort());
    expect(run.result.outcome, story(run.events)).toBe('cancelled');
    expect(run.attempts.map((a) => a.end)).toEqual(['interrupted', 'stopped']);
  });

  it('a relaunch failing after RunInstances answered (its status checks refused): the attempt shows its instance and bills it', async () => {
    const run = await relaunchCut(
      'fail-launched',
      () => world.fake.failOperation('statusChecks', 'UnauthorizedOperation'),
      () => world.fake.clearFault('statusChecks'),
    );
    expect(run.result.outcome, story(run.events)).toBe('failed');
    expect(run.attempts.map((a) => a.end)).toEqual(['interrupted', 'launch-failed']);
  });
});
