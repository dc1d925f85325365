import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { ScanResult } from '../../../shared/domain/cost';
import type { KillAllResult } from '../../../shared/domain/kill-all';
import type { AwsPorts } from '../../aws/ports/aws-ports';
import { leftOfRun, onInstanceRefusal } from '../../aws/testing/ec2-test-bed';
import { EventBus } from '../../core/event-bus';
import { JobRunner, type JobRunner as Jobs } from '../../core/jobs';
import { silentLogger } from '../../core/logger';
import { NotificationService } from '../../core/notifications';
import { CostsService } from '../../dashboard/costs-service';
import type { LifecycleDeps } from '../../lifecycle/lifecycle-deps';
import type { StopRuns } from '../stop-request';
import { type Ec2BedWorld, startEc2BedWorld, story } from './testing/ec2-bed-world';
import { instancesOf, type SpotRun, spotRun } from './testing/spot-run';

// "Kill all cost resources" pressed while a spot relaunch is between its attempts: the interrupted
// instance is torn down and the next launch is being provisioned, so the kill-all's scan may find
// nothing of the run. The kill-all stops every live EC2 run first (costs-service.ts, `everyLiveRun`;
// create-core.ts wires `stopRuns` to RunService.cancel, which aborts the run's signal). Invariants:
// afterwards nothing of the run is left in the fake in any region, no instance of it is up, no create of
// a launch (key pair, security group, SSH rule, instance) reaches EC2 after the kill-all's stop, the run
// ends cancelled with a true report at $0/h, and the kill-all itself ends clean.

// SAFETY: never where the executor's power-off would be real (a CI runner on EC2).
const refusal = onInstanceRefusal();
if (refusal) console.warn(`ec2-bed-kill-all.s3.test.ts skipped: ${refusal}.`);

let world: Ec2BedWorld;

beforeAll(async () => {
  if (refusal) return;
  world = await startEc2BedWorld('bedkill');
}, 120_000);

afterAll(async () => {
  if (refusal) return;
  await world?.close();
});

/** The EC2 calls that make a launch: one of them after the kill-all's stop is a launch it did not stop. */
const LAUNCH_CREATES = ['importKeyPair', 'createSecurityGroup', 'authorizeSsh', 'runInstance'];

/** A promise opened from outside. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

// While `holding()`, the run's EC2 calls of `methods` wait at the door (`arrived` says so) for `held` to open.
function holdCalls(
  ports: LifecycleDeps['ports'],
  methods: readonly string[],
  holding: () => boolean,
  arrived: (method: string) => void,
  held: Promise<void>,
) {
  return ((target) => {
    const all = ports(target);
    return new Proxy(all, {
      get(portsTarget, key, receiver) {
        if (key !== 'ec2') return Reflect.get(portsTarget, key, receiver);
        return (region: string) => {
          const ec2 = portsTarget.ec2(region);
          return new Proxy(ec2, {
            get(ec2Target, method, ec2Receiver) {
              const value: unknown = Reflect.get(ec2Target, method, ec2Receiver);
              if (typeof value !== 'function') return value;
              if (!methods.includes(String(method))) return value.bind(ec2Target);
              return async (...args: unknown[]) => {
                if (holding()) {
                  arrived(String(method));
                  await held;
                }
                return (value as (...a: unknown[]) => unknown).apply(ec2Target, args);
              };
            },
          });
        };
      },
    }) satisfies AwsPorts;
  }) satisfies LifecycleDeps['ports'];
}

interface KillAllDuringRelaunch {
  run: SpotRun;
  /** The kill-all's scan: taken once the interrupted instance was torn down. */
  scan: ScanResult;
  job: { state: string; result?: KillAllResult };
  jobLog: string[];
  /** What the kill-all asked `stopRuns`, and whether it stopped the run. */
  stops: Array<{ runIds: string[]; everyLiveRun: boolean | undefined; stopped: boolean }>;
  /** The run's EC2 creates that waited at the door for the kill-all's stop. */
  heldCalls: string[];
  /** The fake's calls from the kill-all's stop on. */
  callsAfterStop: string[];
}

/**
 * A spot run on the bed, interrupted once (maxRelaunches 1); when its interrupted attempt has ended (the
 * attempts event: torn down, the relaunch next), the user scans and presses "Kill all" on every resource of
 * ours the scan shows. With `holdAt` (EC2 calls of the relaunch), the user does so once the relaunch is about
 * to make the first of them, which waits until the kill-all has stopped the run.
 */
async function killAllDuringRelaunch(name: string, holdAt?: readonly string[]): Promise<KillAllDuringRelaunch> {
  const s3 = inject('s3');
  const controller = new AbortController();
  const bus = new EventBus();
  const jobLog: string[] = [];
  bus.on('jobs.event', (event) => {
    if (event.type === 'log') jobLog.push(event.line);
  });
  const jobs = new JobRunner(bus, silentLogger, world.clock);
  let runId = '';
  let ended = false;
  const stops: KillAllDuringRelaunch['stops'] = [];
  let stopAt: number | undefined;
  const held = gate();
  let holding = false;
  const heldCalls: string[] = [];
  // As create-core.ts's: RunService.cancel of the live EC2 runs (this app's one run) aborts the run's signal.
  const stopRuns: StopRuns = (runIds, { everyLiveRun } = {}) => {
    const wanted = everyLiveRun ? [...new Set([...runIds, runId])] : [...runIds];
    const stopped = wanted.includes(runId) && !ended && !controller.signal.aborted;
    stops.push({ runIds: [...runIds], everyLiveRun, stopped });
    if (stopped) {
      stopAt = world.fake.calls.length;
      controller.abort(new Error('stopped by kill-all'));
    }
    holding = false;
    held.open();
    return { runIds: stopped ? [runId] : [], ended: Promise.allSettled(stopped ? [running] : []) };
  };
  const deps: LifecycleDeps = {
    ...world.deps(`${name}-costs`),
    env: {
      ...world.deps(name).env,
      AWS_REGION: s3.region,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    },
  };
  const costs = new CostsService(deps, jobs, bus, new NotificationService(bus, world.clock), undefined, stopRuns);
  let killing: Promise<Pick<KillAllDuringRelaunch, 'scan' | 'job'>> | undefined;
  const pressKillAll = () => {
    killing ??= (async () => {
      const scan = await costs.scan();
      const ours = scan.resources.filter((resource) => resource.ours).map((resource) => resource.id);
      const { jobId } = costs.killAll({ resourceIds: ours, includeUntracked: false });
      return { scan, job: await jobEnded(jobs, bus, jobId) };
    })();
  };
  // Stopped later (by the kill-all's job): `stopRuns` waits for this run to end.
  const running = spotRun(world, name, { maxRelaunches: 1 }, '1,2', {
    signal: controller.signal,
    onStart: (id) => (runId = id),
    ...(holdAt
      ? {
          deps: (d: LifecycleDeps) => ({
            ...d,
            ports: holdCalls(
              d.ports,
              holdAt,
              () => holding,
              (method) => {
                heldCalls.push(method);
                pressKillAll();
              },
              held.opened,
            ),
          }),
        }
      : {}),
    onEvent: (e) => {
      if (e.type !== 'attempts' || e.attempts[0]?.end !== 'interrupted' || e.attempts.length > 1) return;
      if (holdAt) holding = !controller.signal.aborted;
      else pressKillAll();
    },
  });
  const run = await running.finally(() => (ended = true));
  expect(killing, `the relaunch never came: ${story(run.events)}`).toBeDefined();
  const { scan, job } = await killing!;
  return {
    run,
    scan,
    job,
    jobLog,
    stops,
    heldCalls,
    callsAfterStop: stopAt === undefined ? [] : world.fake.calls.slice(stopAt),
  };
}

// The job's snapshot once it has ended (its end event; a job that ended already is read from the runner).
function jobEnded(jobs: Jobs, bus: EventBus, jobId: string): Promise<KillAllDuringRelaunch['job']> {
  return new Promise((resolve) => {
    const read = () => {
      const job = jobs.list().find((j) => j.jobId === jobId);
      if (job && job.state !== 'running') resolve({ state: job.state, result: job.result as KillAllResult });
    };
    bus.on('jobs.event', (event) => {
      if (event.jobId === jobId && event.type !== 'log') queueMicrotask(read);
    });
    read();
  });
}

// The invariants, whatever the scan found.
function expectKilledClean(k: KillAllDuringRelaunch) {
  const { run } = k;
  const why = story(run.events);
  // The kill-all stopped the run (it was live), as "Kill all" stops every live EC2 run.
  expect(k.stops, why).toEqual([{ runIds: expect.any(Array), everyLiveRun: true, stopped: true }]);
  expect(k.jobLog).toContain(`stopped 1 live run first: ${run.runId}`);
  // No launch after the stop: none of a launch's creates reached EC2.
  expect(
    k.callsAfterStop.filter((call) => LAUNCH_CREATES.includes(call.split(' ')[1]!)),
    why,
  ).toEqual([]);
  // The run ends cancelled, its report true: the interrupted attempt, and at most one more that was stopped.
  expect(run.result.outcome, why).toBe('cancelled');
  expect(run.attempts[0], why).toMatchObject({ attempt: 1, end: 'interrupted' });
  expect(
    run.attempts.slice(1).map((a) => a.end),
    why,
  ).toEqual(run.attempts.length > 1 ? ['stopped'] : []);
  expect(run.attempts.every((a) => a.end !== undefined)).toBe(true);
  // At $0/h: its teardown verified, nothing of it in the fake in any region, no instance of it up.
  expect(run.snapshot.phases['tearing-down'], why).toMatchObject({
    status: 'succeeded',
    detail: { remainingHourlyUsd: 0 },
  });
  expect(leftOfRun(world.fake, run.runId)).toEqual([]);
  expect(instancesOf(world, run.runId).filter((i) => i.up)).toEqual([]);
  // The kill-all ends clean: nothing survived, its rescan shows nothing of the run.
  expect(k.job, k.jobLog.join('\n')).toMatchObject({
    state: 'succeeded',
    result: { survivors: [], remainingHourlyUsd: 0 },
  });
  expect(k.job.result!.rescan.resources.filter((r) => r.runId === run.runId)).toEqual([]);
}

describe.skipIf(refusal)('Kill all during a spot relaunch on the EC2 test bed (SDK over HTTP, real sshd, Ceph)', () => {
  it('the scan finds nothing of the run (the relaunch has created nothing yet): the run is stopped, nothing is launched after', async () => {
    const k = await killAllDuringRelaunch('kill-held', LAUNCH_CREATES);
    // The relaunch's first create was about to be sent when the user pressed Kill all.
    expect(k.heldCalls).toEqual(['importKeyPair']);
    expect(
      k.scan.resources.filter((r) => r.runId === k.run.runId),
      story(k.run.events),
    ).toEqual([]);
    expectKilledClean(k);
    // The relaunch never launched: one instance of the run, the interrupted one; its attempt says it was
    // stopped (not "launch failed"), and its cleanup that it created nothing (not the interrupted launch's).
    expect(instancesOf(world, k.run.runId)).toHaveLength(1);
    expect(k.run.attempts[1], story(k.run.events)).toMatchObject({
      attempt: 2,
      end: 'stopped',
      instanceId: '',
      costUsd: 0,
    });
    expect(k.run.snapshot.phases['tearing-down'].detail).toMatchObject({ created: 0, deleted: 0 });
  });

  it('the relaunch races the kill-all (nothing held): whatever the scan found, the invariants hold', async () => {
    const k = await killAllDuringRelaunch('kill-race');
    expectKilledClean(k);
    expect(instancesOf(world, k.run.runId).length).toBeLessThanOrEqual(2);
  });

  it("the scan finds the relaunch's instance (launched, not yet checked): the kill-all waits for the run's own cleanup", async () => {
    const k = await killAllDuringRelaunch('kill-launched', ['statusChecks']);
    const why = story(k.run.events);
    expect(k.heldCalls).toEqual(['statusChecks']);
    // The scan saw the relaunch's instance (with its key pair and security group) and confirmed it.
    expect(
      k.scan.resources.filter((r) => r.runId === k.run.runId).map((r) => r.kind),
      why,
    ).toEqual(expect.arrayContaining(['instance', 'key-pair', 'security-group']));
    expectKilledClean(k);
    expect(instancesOf(world, k.run.runId)).toHaveLength(2);
    // The stopped attempt names the relaunch's instance (launched, then terminated by the launch cleanup) and
    // bills it: it ran (AWS's 60 s minimum at least).
    const relaunched = instancesOf(world, k.run.runId)[1]!;
    expect(k.run.attempts[1], why).toMatchObject({ instanceId: relaunched.instanceId, costUsd: expect.any(Number) });
    expect(k.run.attempts[1]!.costUsd).toBeGreaterThan(0);
  });
});
