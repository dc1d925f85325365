import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { expect, inject } from 'vitest';

import type { RunEvent, RunSnapshot } from '../../../../shared/domain/run';
import type { RunAttempt } from '../../../../shared/report/run-attempts';
import type { AwsPorts } from '../../../aws/ports/aws-ports';
import { leftOfRun } from '../../../aws/testing/ec2-test-bed';
import { silentLogger } from '../../../core/logger';
import type { LifecycleDeps } from '../../../lifecycle/lifecycle-deps';
import { createSshConnector } from '../../../ssh/ssh-remote-host';
import { PARQUET_BYTES } from '../../pipeline/testing/training-repo';
import { createReattachPort, type ReattachPort } from '../../reattach/reattach-resources';
import { RunService } from '../../run-service';
import { createEc2Backend } from '../ec2-backend';
import { type Ec2BedWorld, story } from './ec2-bed-world';
import { instancesOf } from './spot-run';

// Every call of the killed desktop's AWS ports hangs from `dead()` on: it never acts on the account again.
function dying(ports: LifecycleDeps['ports'], dead: () => boolean): LifecycleDeps['ports'] {
  const hangAfterDeath = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(on, key, receiver) {
        const value: unknown = Reflect.get(on, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (dead()) return new Promise(() => {});
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(on, args);
          // A port family (ec2(region)) is wrapped too; a call's answer is not.
          return result && typeof result === 'object' && !(result instanceof Promise) ? hangAfterDeath(result) : result;
        };
      },
    });
  return (target) => hangAfterDeath(ports(target)) satisfies AwsPorts;
}

// The restarted desktop's way back to a run: the real teardown (teardownRun by run tag, verified), the
// machine reached over SSH with the host key pinned at launch, the SSE-C key of the fixture.
function reattachPort(world: Ec2BedWorld, deps: LifecycleDeps): ReattachPort {
  const real = createReattachPort({ env: deps.env, lifecycle: () => deps });
  return {
    release: real.release,
    ...(real.instanceEnd ? { instanceEnd: real.instanceEnd } : {}),
    async resources(runId, attach) {
      const target = attach.machine.target;
      if (target.kind !== 'ssh') throw new Error('an EC2 run is reached over SSH');
      const { host, port, username } = target;
      return {
        connector: createSshConnector(
          { host, port, username, privateKey: readFileSync(target.identityFile) },
          { expected: [...target.hostKeyFingerprints], onFirstSight: () => {} },
          world.bed.instanceSsh.policy,
        ),
        secrets: { sseKey: Buffer.from(world.f.fx.keyBytes).toString('base64') },
        store: world.f.fx.store,
        release: (signal) => real.release(runId, attach, signal),
      };
    },
  };
}

/** A desktop: a RunService over `dataDir` with the bed's EC2 (`ports` may make it die). */
function desktop(
  world: Ec2BedWorld,
  dataDir: string,
  ports: LifecycleDeps['ports'],
  onEvent: (e: RunEvent) => void,
): RunService {
  const deps: LifecycleDeps = { ...world.deps('restart'), dataDir, ports };
  return new RunService({
    dataDir,
    emit: onEvent,
    now: Date.now,
    log: silentLogger,
    pollMs: 200,
    // The first desktop is this very process: for the second one it is dead.
    isAlive: () => false,
    resources: async (request, runId) => ({
      backend: createEc2Backend(request.config, runId, deps),
      store: world.f.fx.store,
      bundleDir: world.f.bundleDir,
    }),
    reattach: reattachPort(world, deps),
    spotHistory: (_request, window) => world.spotHistory(window),
  });
}

/** A spot run on the bed whose first desktop was killed and taken over by a second one. */
export interface Restarted {
  runId: string;
  /** The run as the restarted desktop ended it. */
  final: RunSnapshot;
  /** Every event the restarted desktop emitted (training lines too). */
  events: RunEvent[];
  /** The restarted desktop's runs folder. */
  dataDir: string;
}

/** What {@link restartedRun} runs, and when its first desktop dies. */
export interface RestartPlan {
  spot: { maxRelaunches: number; fallbackOnDemand?: boolean };
  /** The epochs after which the training hangs, each answered by a spot notice on the attempt's instance ("1,2"). */
  hangAfter: string;
  /** The first desktop dies at the event this is true for (it sees every event, with its service). */
  dieAt(event: RunEvent, first: RunService): boolean;
  /** What happens while no desktop runs (AWS takes an instance back), before the second one starts. */
  whileDead?(runId: string, deadDir: string): Promise<void>;
}

/**
 * A spot run of 3 epochs (2 steps each): its first desktop dies at `plan.dieAt` (its AWS calls hang from
 * then on, and its runs folder is copied as a killed desktop leaves it), and a new desktop over that copy
 * lists it as unfinished and reattaches. AWS takes an interrupted instance's disk with it.
 */
export async function restartedRun(world: Ec2BedWorld, name: string, plan: RestartPlan): Promise<Restarted> {
  await world.f.fx.seed(`runs/${name}/cached-datasets/train.parquet`, PARQUET_BYTES);
  const config = world.config((raw) => {
    raw.name = name;
    raw.storage.prefix = `runs/${name}`;
    raw.training.env = { EPOCHS: '3', STEPS: '2', HANG_AFTER_EPOCH: plan.hangAfter };
    Object.assign(raw.compute as Record<string, unknown>, { market: 'spot', spot: plan.spot });
  });
  const firstDir = join(world.f.dir, `data-${name}-first`);
  const secondDir = join(world.f.dir, `data-${name}-second`);
  let dead = false;
  const noticed = new Set<string>();
  let restarted: (() => void) | undefined;
  const takenOver = new Promise<void>((resolve) => (restarted = resolve));
  // AWS reclaims an attempt's instance once its training checkpointed and hangs (whoever reads the line).
  const onTraining = (e: RunEvent) => {
    if (e.type === 'log' && e.line.endsWith(' hanging')) {
      const live = instancesOf(world, e.runId).find((i) => i.up && !noticed.has(i.instanceId));
      if (live) {
        noticed.add(live.instanceId);
        world.bed.postSpotNotice(live.instanceId);
      }
    }
    // AWS took the instance back: its disk went with it (the bed's instances share this machine's).
    if (e.type === 'attempts' && e.attempts.at(-1)?.end === 'interrupted') {
      rmSync(join('/var/tmp/traindeck', e.runId), { recursive: true, force: true });
    }
  };
  const first = desktop(
    world,
    firstDir,
    dying(world.deps(name).ports, () => dead),
    (e) => {
      if (dead) return;
      onTraining(e);
      // The desktop dies here. What it leaves is its runs folder as it is now.
      if (plan.dieAt(e, first)) {
        dead = true;
        cpSync(firstDir, secondDir, { recursive: true });
        restarted!();
      }
    },
  );
  const { runId } = first.start({ config, baseDir: world.f.dir, backend: 'aws-ec2' });
  world.runIds.push(runId);
  await Promise.race([
    takenOver,
    first.wait(runId).then((s) => {
      throw new Error(`the run ended before its desktop was killed: ${s.state} ${s.reason ?? ''}`);
    }),
  ]);
  await plan.whileDead?.(runId, secondDir);
  const events: RunEvent[] = [];
  const second = desktop(world, secondDir, world.deps(name).ports, (e) => {
    events.push(e);
    onTraining(e);
  });
  expect(second.unfinished().map((r) => r.runId)).toEqual([runId]);
  second.reattach(runId);
  const final = await second.wait(runId);
  return { runId, final, events, dataDir: secondDir };
}

/** Every attempt of a torn-down run: numbered 1..N, its own instance (terminated), zone, times and cost. */
export function expectAttempts(world: Ec2BedWorld, run: Restarted, ends: Array<RunAttempt['end']>): void {
  const attempts = run.final.attempts ?? [];
  expect(
    attempts.map((a) => a.end),
    story(run.events),
  ).toEqual(ends);
  expect(attempts.map((a) => a.attempt)).toEqual(ends.map((_, i) => i + 1));
  const region = world.fake.region(inject('s3').region);
  for (const a of attempts) {
    expect(region.instances.get(a.instanceId), `attempt ${a.attempt}`).toMatchObject({ state: 'terminated' });
    expect(region.zones).toContain(a.zone);
    expect(a.costUsd, a.costNote).toEqual(expect.any(Number));
  }
  expect(new Set(attempts.map((a) => a.instanceId)).size).toBe(attempts.length);
  // Exactly one instance per attempt: nothing launched beyond them, before or after the restart.
  expect(instancesOf(world, run.runId).map((i) => i.instanceId)).toEqual(attempts.map((a) => a.instanceId));
}

/** At $0/h: the teardown verified, nothing of the run left in the fake, no instance of it up; the cost line written. */
export function expectNothingLeft(world: Ec2BedWorld, run: Restarted): void {
  expect(run.final.phases['tearing-down'], story(run.events)).toMatchObject({
    status: 'succeeded',
    detail: { remainingHourlyUsd: 0 },
  });
  expect(leftOfRun(world.fake, run.runId)).toEqual([]);
  expect(instancesOf(world, run.runId).filter((i) => i.up)).toEqual([]);
  expect(run.events.some((e) => e.type === 'cost')).toBe(true);
}
