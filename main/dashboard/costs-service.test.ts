import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { DeletionEvent, KillAllResult } from '../../shared/domain/kill-all';
import { TypedError } from '../../shared/ipc/result';
import { demoAccount } from '../aws/fake/demo-account';
import { FakeClock } from '../aws/testing/fake-clock';
import { EventBus } from '../core/event-bus';
import { JobRunner } from '../core/jobs';
import { silentLogger } from '../core/logger';
import { NotificationService } from '../core/notifications';
import { runDir } from '../lifecycle/journal/run-journal';
import type { LifecycleDeps } from '../lifecycle/lifecycle-deps';
import { appendAttach } from '../runs/reattach/attach-journal';
import type { StopRuns } from '../runs/stop-request';
import { CostsService } from './costs-service';

function setup(stopRuns?: StopRuns, runsEndLimitMs?: number) {
  const clock = new FakeClock();
  const fake = demoAccount(clock, 0);
  const bus = new EventBus();
  const deletions: DeletionEvent[] = [];
  bus.on('costs.deletion', (event) => deletions.push(event));
  const deps = {
    ports: () => fake.ports(),
    clock,
    sleep: clock.sleep,
    env: { AWS_REGION: 'eu-west-1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
  } as unknown as LifecycleDeps;
  const jobs = new JobRunner(bus, silentLogger, clock);
  const scanned: number[] = [];
  return {
    costs: new CostsService(
      deps,
      jobs,
      bus,
      new NotificationService(bus, clock),
      (resources) => scanned.push(resources.length),
      stopRuns,
      runsEndLimitMs,
    ),
    jobs,
    bus,
    fake,
    deletions,
    scanned,
  };
}

/** The job's snapshot once it has ended (polled: the fake clock does not drive the job's own awaits). */
function jobEnd(jobs: JobRunner, jobId: string): Promise<ReturnType<JobRunner['list']>[number]> {
  return new Promise((resolve) => {
    const poll = () => {
      const job = jobs.list().find((j) => j.jobId === jobId);
      if (job && job.state !== 'running') resolve(job);
      else setTimeout(poll, 5);
    };
    poll();
  });
}

/** Kill-all of every resource of ours from a fresh scan: it succeeds and deletes each one; returns the job's log lines. */
async function killAllOursDeletesEach({ costs, jobs, bus, deletions }: ReturnType<typeof setup>) {
  const logged: string[] = [];
  bus.on('jobs.event', (event) => {
    if (event.type === 'log') logged.push(event.line);
  });
  const ours = (await costs.scan()).resources.filter((r) => r.ours);
  const { jobId } = costs.killAll({ resourceIds: ours.map((r) => r.id), includeUntracked: false });
  expect((await jobEnd(jobs, jobId)).state).toBe('succeeded');
  expect(deletions.filter((d) => d.state === 'deleted')).toHaveLength(ours.length);
  return { logged };
}

const code = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof TypedError ? error.code : 'not typed';
  }
  return 'no error';
};

describe('CostsService (kill-all from the cost panel)', () => {
  it('scans every region, reporting the refused one, and totals the burn rate', async () => {
    const { costs, scanned } = setup();
    const scan = await costs.scan();
    expect(scan.resources).toHaveLength(9);
    expect(scanned).toEqual([9]); // the monitor sees every finished scan (untracked-resource notice)
    // The enabled region an SCP denies is reported; the one not opted in is not scanned (not enabled).
    expect(scan.regions.find((r) => r.region === 'sa-east-1')).toMatchObject({
      status: 'refused',
      reason: 'no permission (UnauthorizedOperation)',
    });
    expect(scan.regions.map((r) => r.region)).not.toContain('ap-southeast-4');
    // Priced with each region's own prices from the (fake) Price List: 1.1451 at the bundled us-east-1 figures.
    expect(scan.totalHourlyUsd).toBeCloseTo(1.2698, 3);
    expect(scan.pricesNote).toBe('AWS prices of each region, fetched 2025-06-01 or later.');
  });

  it('refuses before a scan, ids not in the scan, and untracked resources without the exact phrase', async () => {
    const { costs } = setup();
    expect(code(() => costs.killAll({ resourceIds: ['i-0a1b2c3d4e5f60718'], includeUntracked: false }))).toBe(
      'PRECONDITION_FAILED',
    );
    await costs.scan();
    expect(code(() => costs.killAll({ resourceIds: ['i-nope'], includeUntracked: false }))).toBe('CONFLICT');
    expect(code(() => costs.killAll({ resourceIds: ['i-07e57e57e57e57e57'], includeUntracked: false }))).toBe(
      'INVALID_REQUEST',
    );
    expect(
      code(() =>
        costs.killAll({ resourceIds: ['i-07e57e57e57e57e57'], includeUntracked: true, confirmation: 'delete all' }),
      ),
    ).toBe('PRECONDITION_FAILED');
  });

  it('stops the live runs whose resources it kills before the first deletion (a relaunch must not launch again)', async () => {
    // What the stop saw when it was called: the deletions so far must be none.
    const calls: Array<{ runIds: readonly string[]; deletionsBefore: number }> = [];
    const { costs, jobs, bus, deletions } = setup((runIds) => {
      calls.push({ runIds, deletionsBefore: deletions.length });
      return { runIds: runIds.filter((id) => id.startsWith('resnet50')), ended: Promise.resolve() };
    });
    const logged: string[] = [];
    bus.on('jobs.event', (event) => {
      if (event.type === 'log') logged.push(event.line);
    });
    const scan = await costs.scan();
    const ours = scan.resources.filter((r) => r.ours);
    const runIds = [...new Set(ours.map((r) => r.runId))];
    expect(runIds.length).toBeGreaterThanOrEqual(2);
    const { jobId } = costs.killAll({ resourceIds: ours.map((r) => r.id), includeUntracked: false });
    expect((await jobEnd(jobs, jobId)).state).toBe('succeeded');
    // The runs holding what a run needs to go on (an instance, its security group or key pair); bert's leftovers stop none.
    const needing = ours.filter((r) => ['instance', 'security-group', 'key-pair'].includes(r.kind)).map((r) => r.runId);
    expect(calls).toEqual([{ runIds: [...new Set(needing)], deletionsBefore: 0 }]);
    expect(logged[0]).toMatch(/^stopped 1 live run first: resnet50-/);

    // A kill-all of untagged resources only stops no run.
    const other = setup((runIds) => {
      calls.push({ runIds, deletionsBefore: -1 });
      return { runIds: [...runIds], ended: Promise.resolve() };
    });
    const again = await other.costs.scan();
    const foreign = again.resources.filter((r) => !r.ours).map((r) => r.id);
    const { phrase } = other.costs.untrackedPhrase(foreign);
    const second = other.costs.killAll({ resourceIds: foreign, includeUntracked: true, confirmation: phrase });
    await jobEnd(other.jobs, second.jobId);
    expect(calls.at(-1)).toEqual({ runIds: [], deletionsBefore: -1 });
  });

  // Breaks 0fa231a: a row's Delete is a kill-all of one resource, and any resource tagged with a live run
  // stopped the run, even its root volume (whose delete fails while attached) or a stray snapshot.
  it('deleting what a run does not need to go on (a volume) stops no run; its instance does', async () => {
    const asked: Array<readonly string[]> = [];
    const everyLiveRun: Array<boolean | undefined> = [];
    const { costs, jobs } = setup((runIds, options) => {
      asked.push(runIds);
      everyLiveRun.push(options?.everyLiveRun);
      return { runIds: [], ended: Promise.resolve() };
    });
    const scan = await costs.scan();
    const ofResnet = (kind: string) =>
      scan.resources.filter((r) => r.runId?.startsWith('resnet50') && r.kind === kind).map((r) => r.id);
    expect(ofResnet('volume')).toHaveLength(1);
    const volume = costs.killAll({ resourceIds: ofResnet('volume'), includeUntracked: false });
    await jobEnd(jobs, volume.jobId);
    const instance = costs.killAll({ resourceIds: ofResnet('instance'), includeUntracked: false });
    await jobEnd(jobs, instance.jobId);
    expect(asked).toEqual([[], [expect.stringMatching(/^resnet50-/)]]);
    // A row's Delete is not "Kill all": it stops no run beyond its own.
    expect(everyLiveRun).toEqual([false, false]);
    // "Kill all" (every resource of ours) stops every live EC2 run, also one with nothing in the scan (a relaunch between attempts).
    const all = costs.killAll({
      resourceIds: (await costs.scan()).resources.filter((r) => r.ours).map((r) => r.id),
      includeUntracked: false,
    });
    await jobEnd(jobs, all.jobId);
    expect(everyLiveRun.at(-1)).toBe(true);
  });

  // Breaks d85876e: "Kill all" was told from a row's Delete only by whether every resource of ours was selected, so
  // a row's Delete when the scan had nothing of ours left (or that row was all of it) stopped every live EC2 run.
  it("a row's Delete stops no run beyond its own, even when the scan has nothing else of ours", async () => {
    const everyLiveRun: Array<boolean | undefined> = [];
    const { costs, jobs } = setup((_runIds, options) => {
      everyLiveRun.push(options?.everyLiveRun);
      return { runIds: [], ended: Promise.resolve() };
    });
    const ours = (await costs.scan()).resources.filter((r) => r.ours).map((r) => r.id);
    await jobEnd(jobs, costs.killAll({ resourceIds: ours, includeUntracked: false, scope: 'kill-all' }).jobId);
    // What is left is not ours: one untracked row, deleted with its phrase.
    const left = (await costs.scan()).resources;
    expect(left.filter((r) => r.ours)).toEqual([]);
    const row = left[0]!.id;
    const { phrase } = costs.untrackedPhrase([row]);
    const deleted = costs.killAll({ resourceIds: [row], includeUntracked: true, confirmation: phrase, scope: 'rows' });
    await jobEnd(jobs, deleted.jobId);
    expect(everyLiveRun).toEqual([true, false]);
  });

  // Breaks 0fa231a: the stop was only asked, and the kill-all deleted at once, racing the run's own teardown.
  it('a spot relaunch that launched after the scan is torn down by its run before the kill-all deletes: nothing survives', async () => {
    const RESNET_INSTANCE = 'i-0a1b2c3d4e5f60718';
    const RELAUNCHED = 'i-0relaunch0after0scan';
    let runEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => (runEnded = resolve));
    const { costs, jobs, bus, fake } = setup((runIds) => ({
      runIds: runIds.filter((id) => id.startsWith('resnet50')),
      ended,
    }));
    const eu = fake.region('eu-west-1');
    // The stopped run's own teardown: its instances (the relaunched one too) and their root volume.
    const tearDownTheRun = () => {
      for (const id of [RESNET_INSTANCE, RELAUNCHED]) eu.instances.get(id)!.state = 'terminated';
      eu.volumes.delete('vol-0aa11bb22cc33dd44');
      runEnded();
    };
    const steps: string[] = [];
    bus.on('jobs.event', (event) => {
      if (event.type !== 'step') return;
      steps.push(event.step);
      if (event.step === 'Waiting') setTimeout(tearDownTheRun, 0);
    });
    const scan = await costs.scan();
    // The relaunch lands after the scan: same run, same security group, not among the targets.
    eu.instances.set(RELAUNCHED, { ...structuredClone(eu.instances.get(RESNET_INSTANCE)!), id: RELAUNCHED });
    const ours = scan.resources.filter((r) => r.ours);
    const { jobId } = costs.killAll({ resourceIds: ours.map((r) => r.id), includeUntracked: false });
    const snapshot = await jobEnd(jobs, jobId);
    tearDownTheRun(); // the old code never waited: the run's teardown comes after the kill-all
    expect(snapshot.state).toBe('succeeded');
    const result = snapshot.result as KillAllResult;
    expect(result.survivors).toEqual([]);
    expect(result.failed).toBe(0);
    expect(steps.indexOf('Waiting')).toBeGreaterThanOrEqual(0);
    expect(steps.indexOf('Waiting')).toBeLessThan(steps.indexOf('Verifying'));
  });

  // Issue #17 (prices-ui, point 2): the kill-all waited for the run's own teardown, then "deleted" what that
  // teardown had already deleted, so the run and the kill-all both logged the same deletions as theirs.
  it("what a stopped run's own teardown deleted is said as the run's (already gone), not deleted and counted again", async () => {
    let runEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => (runEnded = resolve));
    const { costs, jobs, bus, fake, deletions } = setup((runIds) => ({
      runIds: runIds.filter((id) => id.startsWith('resnet50')),
      ended,
    }));
    const scan = await costs.scan();
    const ours = scan.resources.filter((r) => r.ours);
    const theRuns = ours.filter((r) => r.runId?.startsWith('resnet50'));
    const others = ours.filter((r) => !theRuns.includes(r));
    expect(theRuns.map((r) => r.kind)).toEqual(expect.arrayContaining(['instance', 'volume']));
    expect(others.length).toBeGreaterThan(0);
    // The stopped run's own teardown deletes everything of its own while the kill-all waits.
    const tearDownTheRun = () => {
      for (const r of theRuns) {
        const region = fake.region(r.region);
        if (r.kind === 'instance') region.instances.get(r.id)!.state = 'terminated';
        else if (r.kind === 'volume') region.volumes.delete(r.id);
        else if (r.kind === 'snapshot') region.snapshots.delete(r.id);
        else if (r.kind === 'security-group') region.securityGroups.delete(r.id);
        else if (r.kind === 'key-pair') {
          for (const [name, pair] of region.keyPairs) if (pair.id === r.id) region.keyPairs.delete(name);
        } else throw new Error(`no teardown for a ${r.kind} in this test`);
      }
      runEnded();
    };
    const logged: string[] = [];
    bus.on('jobs.event', (event) => {
      if (event.type === 'log') logged.push(event.line);
      if (event.type === 'step' && event.step === 'Waiting') setTimeout(tearDownTheRun, 0);
    });
    const { jobId } = costs.killAll({ resourceIds: ours.map((r) => r.id), includeUntracked: false });
    const snapshot = await jobEnd(jobs, jobId);
    expect(snapshot.state).toBe('succeeded');
    const result = snapshot.result as KillAllResult;

    // Each deletion once, by whoever made it.
    const final = new Map(deletions.map((d) => [d.resourceId, d]));
    for (const r of theRuns) {
      expect(final.get(r.id)).toMatchObject({
        state: 'gone',
        reason: `already deleted by run ${r.runId}'s own teardown`,
      });
      expect(logged).toContain(
        `already gone: ${r.kind} ${r.id} (${r.region}): already deleted by run ${r.runId}'s own teardown`,
      );
      expect(logged.some((line) => line.startsWith(`deleted ${r.kind} ${r.id} `))).toBe(false);
    }
    for (const r of others) expect(final.get(r.id)?.state).toBe('deleted');
    expect(result).toMatchObject({ deleted: others.length, alreadyGone: theRuns.length, failed: 0 });
    // The final rescan still proves the meter stopped.
    expect(result.survivors).toEqual([]);
    expect(result.remainingHourlyUsd).toBe(0);
  });

  it('a stop that fails does not keep the kill-all from deleting, and says so', async () => {
    const { logged } = await killAllOursDeletesEach(
      setup(() => {
        throw new Error('the run service is not ready');
      }),
    );
    expect(logged[0]).toMatch(
      /^could not stop .*resnet50-.* first \(the run service is not ready\); their resources are deleted anyway\. Stop each run/,
    );
  });

  it('a run whose stop hangs holds the kill-all only up to the limit, then its resources are deleted anyway', async () => {
    const { logged } = await killAllOursDeletesEach(
      setup((runIds) => ({ runIds: [...runIds], ended: new Promise<never>(() => {}) }), 20),
    );
    expect(logged.some((line) => /had not ended .* after the stop; deleting its resources anyway\./.test(line))).toBe(
      true,
    );
  });

  it("another TrainDeck's runs (a terminal's traindeck run) are asked through their folder; kill-all waits for the ones that took it to end", async () => {
    const world = setup((runIds) => ({
      runIds: [],
      ended: Promise.resolve(),
      asked: Promise.resolve({ heard: [runIds[0]!], unheard: [{ runId: 'run-deaf', pid: 4242 }] }),
    }));
    const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-costs-asked-'));
    try {
      (world.costs as unknown as { deps: LifecycleDeps }).deps.dataDir = dataDir;
      const ours = (await world.costs.scan()).resources.filter((r) => r.ours && r.runId && r.kind === 'instance');
      const heard = ours[0]!.runId!;
      // The other process (played by this one: alive) runs it; its run ends (its events' last line)
      // while the kill-all waits. Without a live owner the kill-all would not wait at all.
      const heardDir = runDir(dataDir, heard);
      mkdirSync(heardDir, { recursive: true });
      appendAttach(heardDir, { type: 'owner', pid: process.pid });
      const ends = setTimeout(() => writeFileSync(join(heardDir, 'events.jsonl'), '{"type":"finished"}\n'), 50);
      const { logged } = await killAllOursDeletesEach(world).finally(() => clearTimeout(ends));
      expect(existsSync(join(heardDir, 'events.jsonl'))).toBe(true); // it waited for the end
      expect(logged.some((line) => line.includes('exited before the run ended'))).toBe(false);
      expect(logged).toContain(`stopped 1 live run of another TrainDeck first: ${heard}`);
      expect(logged).toContain(
        'run-deaf is run by another TrainDeck (pid 4242), which did not take the stop request; its resources are deleted anyway. Stop the run there, or a spot run may launch again.',
      );
      expect(logged.some((line) => line.includes('had not ended'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('deletes exactly what was confirmed, reports each resource, and verifies by rescan', async () => {
    const { costs, jobs, deletions } = setup();
    const scan = await costs.scan();
    const ids = scan.resources.map((r) => r.id);
    // The old fixed phrase no longer works: only the one main issued (and showed outside the page).
    expect(
      code(() => costs.killAll({ resourceIds: ids, includeUntracked: true, confirmation: 'delete 3 untracked' })),
    ).toBe('PRECONDITION_FAILED');
    const { phrase, count } = costs.untrackedPhrase(ids);
    expect(count).toBe(3);
    expect(phrase).toMatch(/^delete 3 untracked [a-z]+-\d\d$/);
    const { jobId } = costs.killAll({ resourceIds: ids, includeUntracked: true, confirmation: phrase });
    const snapshot = await jobEnd(jobs, jobId);
    expect(snapshot.state).toBe('succeeded');
    const result = snapshot.result as KillAllResult;
    expect(result.survivors).toEqual([]);
    expect(result.rescan.resources).toEqual([]);
    expect(new Set(deletions.filter((d) => d.state === 'deleted').map((d) => d.resourceId))).toEqual(new Set(ids));
  });
});
