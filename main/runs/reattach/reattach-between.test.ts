import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { RunAttempt } from '../../../shared/report/run-attempts';
import { appendToJournal, runDir } from '../../lifecycle/journal/run-journal';
import { type PreparedRun, prepareRun } from '../pipeline/prepare-run';
import { STUB_RUN_CONFIG } from '../testing/stubbed-run-service';
import { appendAttach, readAttach } from './attach-journal';
import { restartedDesktop } from './testing/restarted-desktop';
import { seedUnfinishedRun, spotMachine } from './testing/unfinished-run';

// Invariant: a TrainDeck killed BETWEEN two attempts of a spot relaunch (the relaunch decided after the
// interruption, attempt N+1 not yet given its machine) leaves a run that the next TrainDeck lists and
// takes on with the relaunch, never by following the machine AWS took back: the verified teardown by
// run tag first (whatever the killed one left: an interrupted instance half torn down, the instance its
// relaunch had launched), every row true (the interrupted one ended and priced, an abandoned launch billed
// in its own row and not counted as a relaunch), then the one rule (decideRelaunch, attempts counted),
// a fresh preflight and the launch. A Stop, or a pipeline that cannot be rebuilt, ends torn down at
// $0/h with a report that says why. The EC2 end to end of the same is ec2-bed-restart.s3.test.ts.

vi.mock('../pipeline/prepare-run', () => ({ prepareRun: vi.fn() }));

const RUN = 'between-20261206-040000-ab12';
const at = '2026-12-06T04:00:00.000Z';
const storage = { bucket: 'td-data', prefix: 'runs/demo', region: 'eu-west-1', folders: [] };
const ATTEMPT_1: RunAttempt = {
  attempt: 1,
  instanceId: 'i-0attempt1',
  instanceType: 'g5.xlarge',
  zone: 'eu-west-1a',
  market: 'spot',
  startedAt: '2026-12-06T03:00:00.000Z',
};
const INTERRUPTED_1: RunAttempt = {
  ...ATTEMPT_1,
  endedAt: '2026-12-06T03:50:00.000Z',
  end: 'interrupted',
  costUsd: 0.5,
  costNote: 'priced before the kill',
};

// The run's EC2 journal: attempt 1's launch, then (`closed`) its verified teardown for the relaunch.
const line = (entry: Record<string, unknown>, time: string) => ({ ...entry, at: `2026-12-06T${time}.000Z` });
const LAUNCH_1 = [
  line({ type: 'opened', runId: RUN, region: 'eu-west-1', pid: 1 }, '03:00:00'),
  line({ type: 'created', step: 'instance', kind: 'instance', id: 'i-0attempt1' }, '03:00:10'),
  line({ type: 'cleanup', reason: 'teardown of 3 resource(s)' }, '03:50:00'),
];
const TORN_DOWN_1 = [
  ...LAUNCH_1,
  line({ type: 'deleted', kind: 'instance', id: 'i-0attempt1' }, '03:50:30'),
  line({ type: 'closed', outcome: 'torn-down' }, '03:50:31'),
];
// ...and the killed desktop's relaunch of attempt 2, which RunInstances answered (i-0abandoned).
const ABANDONED_2 = [
  ...TORN_DOWN_1,
  line({ type: 'relaunch', attempt: 2, market: 'spot', reason: 'spot relaunch 1 of 1' }, '03:50:32'),
  line({ type: 'opened', runId: RUN, region: 'eu-west-1', pid: 1 }, '03:50:33'),
  line({ type: 'intent', step: 'instance', kind: 'instance', name: `traindeck-${RUN}` }, '03:50:40'),
  line({ type: 'created', step: 'instance', kind: 'instance', id: 'i-0abandoned' }, '03:50:41'),
  line(
    {
      type: 'attempt',
      n: 1,
      outcome: 'launched',
      instanceId: 'i-0abandoned',
      instanceType: 'g5.xlarge',
      zone: 'eu-west-1c',
      market: 'spot',
    },
    '03:50:41',
  ),
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-reattach-between-'));
  vi.mocked(prepareRun).mockResolvedValue({
    spec: {} as PreparedRun['spec'],
    secrets: { sseKey: 'AAAA' },
    uploads: [],
    keyFingerprint: 'fp',
  });
});
afterEach(async () => {
  vi.mocked(prepareRun).mockReset();
  await rm(dir, { recursive: true, force: true });
});

/**
 * What a TrainDeck killed between attempts 1 and 2 left: attempt 1's machine (AWS took it back: its work
 * folder is gone, its executor too), the relaunch of attempt 2 decided, the run's EC2 journal as `journal`.
 */
function seedBetween(spot: { maxRelaunches: number }, attempt1: RunAttempt, journal: object[]) {
  seedUnfinishedRun(dir, RUN, {
    events: [
      { type: 'started', name: 'demo', backend: 'aws-ec2' },
      { type: 'phase', phase: 'preflight', status: 'succeeded' },
      { type: 'attempts', attempts: [attempt1] },
      { type: 'phase', phase: 'training', status: 'failed', reason: 'spot interruption notice' },
      { type: 'phase', phase: 'tearing-down', status: 'running' },
    ],
    at,
    storage,
    workDir: join(dir, 'taken-back-by-aws'),
    executorPid: 999_999_998,
    offsets: { events: 0, train: 0, sync: 0 },
    aws: spotMachine('i-0attempt1', 'eu-west-1a', at),
  });
  const folder = runDir(dir, RUN);
  appendAttach(folder, { type: 'relaunch', attempt: 2, market: 'spot', reason: 'spot relaunch 1 of 1' });
  const config = {
    ...STUB_RUN_CONFIG,
    compute: { instanceType: 'g5.xlarge', ttlMinutes: 60, diskGb: 100, market: 'spot', spot },
  };
  writeFileSync(join(folder, 'start.json'), JSON.stringify({ backend: 'aws-ec2', config }));
  writeFileSync(join(folder, 'journal.jsonl'), journal.map((e) => JSON.stringify(e) + '\n').join(''));
}

// The teardown by run tag as teardownRun journals it: what it found deleted, then the journal closed.
const tearDown = (instanceIds: string[]) => () =>
  appendToJournal(dir, RUN, Date.now, [
    { type: 'cleanup', reason: 'teardown' },
    ...instanceIds.map((id) => ({ type: 'deleted' as const, kind: 'instance' as const, id })),
    { type: 'closed', outcome: 'torn-down' },
  ]);

const rows = (attempts: RunAttempt[] | undefined) => attempts?.map((a) => [a.attempt, a.instanceId, a.end]);

describe('a spot run whose TrainDeck was killed between two attempts', () => {
  it('after the verified teardown (journal closed): listed at $0/h, then relaunched by the rule, planned afresh', async () => {
    const spot = { maxRelaunches: 1 };
    seedBetween(spot, INTERRUPTED_1, TORN_DOWN_1);
    const desktop = restartedDesktop(dir, spot);
    // Nothing of it bills, yet it is not over: the relaunch waits for a TrainDeck.
    expect(desktop.runs.unfinished()).toMatchObject([{ runId: RUN, betweenAttempts: 2, billing: { hourlyUsd: 0 } }]);
    desktop.runs.reattach(RUN);
    const final = await desktop.runs.wait(RUN);
    // Never a follow of the machine AWS took back: teardown (verified), a fresh plan, then the launch.
    expect(desktop.calls).toEqual([
      'resources',
      'reattach release',
      'preflight',
      'prepare',
      'acquire',
      'backend release',
    ]);
    expect(desktop.prepared).toEqual([
      {
        attempt: 2,
        market: 'spot',
        interruptedZone: 'eu-west-1a',
        reason: 'spot relaunch 1 of 1',
        first: expect.anything(),
      },
    ]);
    expect(rows(final.attempts)).toEqual([
      [1, 'i-0attempt1', 'interrupted'],
      [2, '', 'launch-failed'],
    ]);
    expect(final.attempts?.[0]).toMatchObject({ costUsd: 0.5 });
    expect(desktop.events.some((e) => e.type === 'cost')).toBe(true);
  }, 30_000);

  it('killed while the interrupted instance was torn down: torn down again (verified) before any launch, its row ended and priced', async () => {
    const spot = { maxRelaunches: 2 };
    seedBetween(spot, ATTEMPT_1, LAUNCH_1);
    const desktop = restartedDesktop(dir, spot);
    expect(desktop.runs.unfinished()).toMatchObject([{ runId: RUN, betweenAttempts: 2 }]);
    desktop.runs.reattach(RUN);
    const final = await desktop.runs.wait(RUN);
    expect(desktop.calls.slice(0, 4)).toEqual(['resources', 'reattach release', 'preflight', 'prepare']);
    expect(desktop.prepared).toMatchObject([{ attempt: 2, market: 'spot', reason: 'spot relaunch 1 of 2' }]);
    expect(final.attempts?.[0]).toMatchObject({
      end: 'interrupted',
      endedAt: expect.any(String),
      costUsd: expect.any(Number),
    });
  }, 30_000);

  it("killed after its relaunch's RunInstances answered: that instance is terminated, billed in its own row, and attempt 3 uses no relaunch", async () => {
    const spot = { maxRelaunches: 1 };
    seedBetween(spot, INTERRUPTED_1, ABANDONED_2);
    const desktop = restartedDesktop(dir, spot, tearDown(['i-0abandoned']));
    desktop.runs.reattach(RUN);
    const final = await desktop.runs.wait(RUN);
    expect(desktop.calls.slice(0, 4)).toEqual(['resources', 'reattach release', 'preflight', 'prepare']);
    // A fresh number (EC2's idempotency token is per attempt, and would answer with the abandoned instance).
    expect(desktop.prepared).toMatchObject([{ attempt: 3, market: 'spot', reason: 'spot relaunch 1 of 1' }]);
    expect(rows(final.attempts)).toEqual([
      [1, 'i-0attempt1', 'interrupted'],
      [2, 'i-0abandoned', 'launch-failed'],
      [3, '', 'launch-failed'],
    ]);
    expect(final.attempts?.[1]).toMatchObject({
      zone: 'eu-west-1c',
      market: 'spot',
      startedAt: '2026-12-06T03:50:41.000Z',
      costUsd: expect.any(Number),
    });
    expect(final.attempts![1]!.costUsd).toBeGreaterThan(0);
    // The next kill would find the new decision, not the old one.
    expect(readAttach(runDir(dir, RUN))?.relaunch).toMatchObject({ attempt: 3 });
  }, 30_000);

  it('taken over with Tear down: torn down (verified), nothing launched, the run ends stopped', async () => {
    const spot = { maxRelaunches: 2 };
    seedBetween(spot, INTERRUPTED_1, TORN_DOWN_1);
    const desktop = restartedDesktop(dir, spot);
    desktop.runs.reattach(RUN, { stop: true });
    const final = await desktop.runs.wait(RUN);
    expect(desktop.calls).toContain('reattach release');
    expect(desktop.calls.filter((c) => ['preflight', 'prepare', 'acquire'].includes(c))).toEqual([]);
    expect(final.state).toBe('cancelled');
    expect(final.phases['tearing-down']).toMatchObject({ status: 'succeeded', detail: { remainingHourlyUsd: 0 } });
  }, 30_000);

  it('its teardown after the restart is not verified: nothing launched, the interrupted row ended as such, the failure said', async () => {
    const spot = { maxRelaunches: 2 };
    seedBetween(spot, ATTEMPT_1, LAUNCH_1);
    const desktop = restartedDesktop(dir, spot, () => Promise.reject(new Error('teardown left 1 resource(s) of run')));
    desktop.runs.reattach(RUN);
    const final = await desktop.runs.wait(RUN);
    expect(desktop.calls.filter((c) => ['preflight', 'prepare', 'acquire'].includes(c))).toEqual([]);
    expect(final.state).toBe('failed');
    expect(desktop.events.find((e) => e.type === 'finished')).toMatchObject({
      reason: expect.stringContaining('tearing-down: teardown left 1 resource(s) of run'),
    });
    expect(final.phases['tearing-down']).toMatchObject({ status: 'failed' });
    expect(final.attempts?.map((a) => a.end)).toEqual(['interrupted']);
  }, 30_000);

  it('its pipeline cannot be rebuilt (a key file gone): torn down, and the report says why it was not relaunched', async () => {
    const spot = { maxRelaunches: 2 };
    seedBetween(spot, ATTEMPT_1, LAUNCH_1);
    vi.mocked(prepareRun).mockRejectedValue(new Error('cannot read the SSE-C key file /keys/run.key'));
    const desktop = restartedDesktop(dir, spot);
    desktop.runs.reattach(RUN);
    const final = await desktop.runs.wait(RUN);
    expect(desktop.calls).toEqual(['reattach release']);
    expect(final.state).toBe('failed');
    expect(desktop.events.find((e) => e.type === 'finished')).toMatchObject({
      reason: expect.stringContaining(
        'attempt 2 was not relaunched after the restart: cannot read the SSE-C key file /keys/run.key',
      ),
    });
    expect(final.phases['tearing-down']).toMatchObject({ status: 'succeeded', detail: { remainingHourlyUsd: 0 } });
    expect(final.attempts?.[0]).toMatchObject({ end: 'interrupted', costUsd: expect.any(Number) });
  }, 30_000);
});
