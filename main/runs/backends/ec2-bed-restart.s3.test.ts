import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { RunEvent, RunSnapshot } from '../../../shared/domain/run';
import type { RunAttempt } from '../../../shared/report/run-attempts';
import type { AwsPorts } from '../../aws/ports/aws-ports';
import { leftOfRun, onInstanceRefusal } from '../../aws/testing/ec2-test-bed';
import { silentLogger } from '../../core/logger';
import { readJournal } from '../../lifecycle/journal/run-journal';
import type { LifecycleDeps } from '../../lifecycle/lifecycle-deps';
import { createSshConnector } from '../../ssh/ssh-remote-host';
import { PARQUET_BYTES } from '../pipeline/testing/training-repo';
import { createReattachPort, type ReattachPort } from '../reattach/reattach-resources';
import { RunService } from '../run-service';
import { createEc2Backend } from './ec2-backend';
import { type Ec2BedWorld, startEc2BedWorld, story } from './testing/ec2-bed-world';
import { instancesOf } from './testing/spot-run';

// #17 point 3 across a desktop restart, end to end on the EC2 test bed (SDK over HTTP, a real sshd and
// IMDSv2 per instance, Ceph RGW). A spot run is interrupted in attempt 1 and relaunched; during attempt 2
// the desktop "dies" (its AWS calls hang from then on, and what it left on disk is copied as a killed
// desktop leaves it) and a new RunService over that runs folder reattaches. Attempt 2 is then interrupted.
// Invariants: the restarted desktop relaunches by the same rule as one that never restarted, counting
// the attempts before the restart toward compute.spot.maxRelaunches (at most that many relaunches in
// all); the relaunch is torn down to one instance at a time, resumes from the newest checkpoint
// (TRAINDECK_RESUME_FROM, TRAINDECK_ATTEMPT=3); with the relaunches used up, nothing is launched; either
// way the run ends at $0/h, nothing of it left in the fake, its report true (every attempt's row, its cost).

// SAFETY: never where the executor's power-off would be real (a CI runner on EC2).
const refusal = onInstanceRefusal();
if (refusal) console.warn(`ec2-bed-restart.s3.test.ts skipped: ${refusal}.`);

let world: Ec2BedWorld;

beforeAll(async () => {
  if (refusal) return;
  world = await startEc2BedWorld('restart');
}, 120_000);

afterAll(async () => {
  if (refusal) return;
  await world?.close();
});

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
function reattachPort(deps: LifecycleDeps): ReattachPort {
  const real = createReattachPort({ env: deps.env, lifecycle: () => deps });
  return {
    release: real.release,
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
function desktop(dataDir: string, ports: LifecycleDeps['ports'], onEvent: (e: RunEvent) => void): RunService {
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
    reattach: reattachPort(deps),
    spotHistory: (_request, window) => world.spotHistory(window),
  });
}

interface Restarted {
  runId: string;
  /** The run as the restarted desktop ended it. */
  final: RunSnapshot;
  /** Every event the restarted desktop emitted (training lines too). */
  events: RunEvent[];
  dataDir: string;
}

/**
 * A spot run whose training hangs after epochs 1 and 2 (each answered by a spot notice on the attempt's
 * instance); its desktop dies once attempt 2 trains, and a new desktop over the same runs folder takes it over.
 */
async function restartedDuringAttempt2(name: string, spot: { maxRelaunches: number }): Promise<Restarted> {
  await world.f.fx.seed(`runs/${name}/cached-datasets/train.parquet`, PARQUET_BYTES);
  const config = world.config((raw) => {
    raw.name = name;
    raw.storage.prefix = `runs/${name}`;
    raw.training.env = { EPOCHS: '3', STEPS: '2', HANG_AFTER_EPOCH: '1,2' };
    Object.assign(raw.compute as Record<string, unknown>, { market: 'spot', spot });
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
    firstDir,
    dying(world.deps(name).ports, () => dead),
    (e) => {
      if (dead) return;
      onTraining(e);
      // Attempt 2 trains: the desktop dies here. What it leaves is its runs folder as it is now.
      if (e.type === 'phase' && e.phase === 'training' && e.status === 'running') {
        const attempts = first.get(e.runId).attempts ?? [];
        if (attempts.length === 2 && !attempts[1]!.end) {
          dead = true;
          cpSync(firstDir, secondDir, { recursive: true });
          restarted!();
        }
      }
    },
  );
  const { runId } = first.start({ config, baseDir: world.f.dir, backend: 'aws-ec2' });
  world.runIds.push(runId);
  await Promise.race([
    takenOver,
    first.wait(runId).then((s) => {
      throw new Error(`the run ended before attempt 2 trained: ${s.state} ${s.reason ?? ''}`);
    }),
  ]);
  const events: RunEvent[] = [];
  const second = desktop(secondDir, world.deps(name).ports, (e) => {
    events.push(e);
    onTraining(e);
  });
  expect(second.unfinished().map((r) => r.runId)).toEqual([runId]);
  second.reattach(runId);
  const final = await second.wait(runId);
  return { runId, final, events, dataDir: secondDir };
}

// Training lines are "<time> [stdout] epoch 1 step 2 loss 0.5000".
const steps = (lines: string[]) => lines.flatMap((l) => / epoch \d+ step (\d+) /.exec(l)?.[1] ?? []).map(Number);

// Every attempt of a torn-down run: numbered 1..N, its own instance (terminated), zone, times and cost.
function expectAttempts(run: Restarted, ends: Array<RunAttempt['end']>) {
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

// At $0/h: the teardown verified, nothing of the run left in the fake, no instance of it up; the cost line written.
function expectNothingLeft(run: Restarted) {
  expect(run.final.phases['tearing-down'], story(run.events)).toMatchObject({
    status: 'succeeded',
    detail: { remainingHourlyUsd: 0 },
  });
  expect(leftOfRun(world.fake, run.runId)).toEqual([]);
  expect(instancesOf(world, run.runId).filter((i) => i.up)).toEqual([]);
  expect(run.events.some((e) => e.type === 'cost')).toBe(true);
}

describe.skipIf(refusal)('spot relaunch across a desktop restart on the EC2 test bed', { timeout: 300_000 }, () => {
  it('restarted during attempt 2, interrupted again: attempt 3 is launched and resumes from the newest checkpoint', async () => {
    const run = await restartedDuringAttempt2('restart-relaunch', { maxRelaunches: 2 });
    expect(run.final.state, story(run.events)).toBe('succeeded');
    expectAttempts(run, ['interrupted', 'interrupted', 'finished']);
    const train = run.events.flatMap((e) => (e.type === 'log' && e.source === 'train' ? [e.line] : []));
    // The restarted desktop shows attempt 2's log from its start, then attempt 3's: resumed (TRAINDECK_ATTEMPT=3,
    // TRAINDECK_RESUME_FROM the checkpoint after epoch 2), not restarted: its steps continue where attempt 2's ended.
    const resumed = train.filter((l) => l.includes(' resumed from ')).at(-1) ?? '';
    expect(resumed, train.join('\n')).toMatch(/checkpoints\/interrupted\.ckpt after epoch 2 \(attempt 3\)$/);
    expect(steps(train.slice(train.indexOf(resumed)))).toEqual([5, 6]);
    expect(await world.f.fx.keys()).toEqual(
      expect.arrayContaining([
        'runs/restart-relaunch/models/model.json',
        'runs/restart-relaunch/checkpoints/epoch-003.ckpt',
      ]),
    );
    expect(run.final.phases['verifying-sync'].status).toBe('succeeded');
    expectNothingLeft(run);
    // Journaled: a relaunch line per relaunch (one before the restart, one after), the journal closed.
    const journal = await readJournal(run.dataDir, run.runId);
    expect(journal.filter((e) => e.type === 'relaunch').map((e) => e.type === 'relaunch' && e.attempt)).toEqual([2, 3]);
    expect(journal.at(-1)).toMatchObject({ type: 'closed' });
  });

  it('restarted with its relaunches used up, interrupted again: nothing is launched, the report is true', async () => {
    const run = await restartedDuringAttempt2('restart-used-up', { maxRelaunches: 1 });
    expect(run.final.state, story(run.events)).toBe('failed');
    expect(run.events.find((e) => e.type === 'finished')).toMatchObject({
      reason: expect.stringContaining('interrupted again after 1 spot relaunch(es)'),
    });
    expectAttempts(run, ['interrupted', 'interrupted']);
    expect(run.final.phases['verifying-sync'].status).toBe('succeeded');
    expectNothingLeft(run);
  });
});
