import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { RunAttempt } from '../../../shared/report/run-attempts';
import { workLayout } from '../../executor/work-layout';
import { runDir } from '../../lifecycle/journal/run-journal';
import { type PreparedRun, prepareRun } from '../pipeline/prepare-run';
import { STUB_RUN_CONFIG } from '../testing/stubbed-run-service';
import { finishExecutor } from './testing/reattach-fixture';
import { restartedDesktop } from './testing/restarted-desktop';
import { seedUnfinishedRun, spotMachine } from './testing/unfinished-run';

// Invariant: a spot run whose desktop restarted during attempt 2 is relaunched after a further
// interruption exactly as a run that never restarted: by the pipeline's one rule (decideRelaunch),
// its earlier attempts (from its events) counted toward compute.spot.maxRelaunches, the followed
// instance torn down (verified) before anything is launched, the relaunch planned afresh (preflight)
// from the recorded config; and when the relaunches are used up, nothing is launched and the report
// is true (every attempt ended and priced, the reason said, the cost line written).
// The EC2 end to end of the same (a real relaunch that resumes) is spot-relaunch-bed.s3.test.ts.

vi.mock('../pipeline/prepare-run', () => ({ prepareRun: vi.fn() }));

const RUN = 'restarted-20261206-040000-ef56';
const at = '2026-12-06T04:00:00.000Z';
const storage = { bucket: 'td-data', prefix: 'runs/demo', region: 'eu-west-1', folders: [] };
const machineOf = (instanceId: string, zone: string) => spotMachine(instanceId, zone, at);
// Attempt 1: interrupted and priced before the restart; attempt 2: running on i-0attempt2.
const ATTEMPTS: RunAttempt[] = [
  {
    attempt: 1,
    instanceId: 'i-0attempt1',
    instanceType: 'g5.xlarge',
    zone: 'eu-west-1a',
    market: 'spot',
    startedAt: '2026-12-06T03:00:00.000Z',
    endedAt: '2026-12-06T03:50:00.000Z',
    end: 'interrupted',
    costUsd: 0.5,
    costNote: 'priced before the restart',
  },
  {
    attempt: 2,
    instanceId: 'i-0attempt2',
    instanceType: 'g5.xlarge',
    zone: 'eu-west-1b',
    market: 'spot',
    startedAt: '2026-12-06T03:55:00.000Z',
  },
];

let dir: string;
let executor: ChildProcess | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-reattach-relaunch-'));
  vi.mocked(prepareRun).mockResolvedValue({
    spec: {} as PreparedRun['spec'],
    secrets: { sseKey: 'AAAA' },
    uploads: [],
    keyFingerprint: 'fp',
  });
});
afterEach(async () => {
  executor?.kill('SIGKILL');
  vi.mocked(prepareRun).mockReset();
  await rm(dir, { recursive: true, force: true });
});

/** A spot run a killed TrainDeck left in attempt 2 (config recorded with `spot`), its executor still going. */
function seedRestartedRun(spot: { maxRelaunches: number; fallbackOnDemand?: boolean }) {
  const layout = workLayout(join(dir, 'work'), { storage, runId: RUN });
  mkdirSync(layout.logsDir, { recursive: true });
  writeFileSync(layout.eventsFile, JSON.stringify({ seq: 1, at, phase: 'training', status: 'started' }) + '\n');
  writeFileSync(layout.trainLog, 'attempt 2 resumed\n');
  executor = spawn('sleep', ['60'], { stdio: 'ignore' });
  seedUnfinishedRun(dir, RUN, {
    events: [
      { type: 'started', name: 'demo', backend: 'aws-ec2' },
      { type: 'phase', phase: 'preflight', status: 'succeeded' },
      { type: 'attempts', attempts: ATTEMPTS },
      { type: 'phase', phase: 'training', status: 'running' },
    ],
    at,
    storage,
    workDir: layout.workDir,
    executorPid: executor.pid!,
    offsets: { events: 0, train: 0, sync: 0 },
    aws: machineOf('i-0attempt2', 'eu-west-1b'),
  });
  const config = {
    ...STUB_RUN_CONFIG,
    compute: { instanceType: 'g5.xlarge', ttlMinutes: 60, diskGb: 100, market: 'spot', spot },
  };
  writeFileSync(join(runDir(dir, RUN), 'start.json'), JSON.stringify({ backend: 'aws-ec2', config }));
  return layout;
}

/** AWS reclaims attempt 2's instance: the executor pushed (nothing to push here) and ends `spot-interrupted`. */
function interruptExecutor(layout: ReturnType<typeof workLayout>): void {
  finishExecutor(layout, RUN, 2, { outcome: 'spot-interrupted', reason: 'spot interruption notice', exitCode: null });
  executor?.kill('SIGTERM');
}

describe('a spot run reattached by a restarted desktop is relaunched like one that never restarted', () => {
  it('interrupted in attempt 2 after the restart: torn down, planned afresh, attempt 3 launched (counted across the restart)', async () => {
    const spot = { maxRelaunches: 2 };
    const layout = seedRestartedRun(spot);
    const desktop = restartedDesktop(dir, spot);
    desktop.runs.reattach(RUN);
    interruptExecutor(layout);
    const final = await desktop.runs.wait(RUN);
    // The followed instance is gone (verified) before anything new: then a fresh plan, then the launch.
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
        attempt: 3,
        market: 'spot',
        interruptedZone: 'eu-west-1b',
        reason: 'spot relaunch 2 of 2',
        first: expect.anything(),
      },
    ]);
    // Every attempt in the report: the one before the restart as it was, the followed one ended and priced.
    expect(final.attempts?.map((a) => [a.attempt, a.instanceId, a.end])).toEqual([
      [1, 'i-0attempt1', 'interrupted'],
      [2, 'i-0attempt2', 'interrupted'],
      [3, '', 'launch-failed'],
    ]);
    expect(final.attempts?.[0]).toMatchObject({ costUsd: 0.5 });
    expect(final.attempts?.[1]).toMatchObject({ costUsd: expect.any(Number), endedAt: expect.any(String) });
    expect(final.state).toBe('failed');
    expect(desktop.events.some((e) => e.type === 'cost')).toBe(true);
  }, 30_000);

  it('interrupted with its relaunches used up before the restart: nothing is launched, the report is true', async () => {
    const spot = { maxRelaunches: 1 };
    const layout = seedRestartedRun(spot);
    const desktop = restartedDesktop(dir, spot);
    desktop.runs.reattach(RUN);
    interruptExecutor(layout);
    const final = await desktop.runs.wait(RUN);
    expect(desktop.calls).toEqual(['resources', 'reattach release']);
    expect(desktop.prepared).toEqual([]);
    expect(final.state).toBe('failed');
    expect(desktop.events.find((e) => e.type === 'finished')).toMatchObject({
      reason: expect.stringContaining(
        'interrupted again after 1 spot relaunch(es), the most compute.spot.maxRelaunches allows',
      ),
    });
    expect(final.attempts?.map((a) => [a.attempt, a.end])).toEqual([
      [1, 'interrupted'],
      [2, 'interrupted'],
    ]);
    expect(final.attempts?.every((a) => a.costUsd !== undefined && a.endedAt)).toBe(true);
    expect(final.phases['tearing-down']).toMatchObject({ status: 'succeeded', detail: { remainingHourlyUsd: 0 } });
    expect(desktop.events.some((e) => e.type === 'cost')).toBe(true);
  }, 30_000);

  it('fallbackOnDemand after the restart: the relaunch past maxRelaunches (counted across it) is on-demand', async () => {
    const spot = { maxRelaunches: 1, fallbackOnDemand: true };
    const layout = seedRestartedRun(spot);
    const desktop = restartedDesktop(dir, spot);
    desktop.runs.reattach(RUN);
    interruptExecutor(layout);
    await desktop.runs.wait(RUN);
    expect(desktop.prepared).toMatchObject([{ attempt: 3, market: 'on-demand' }]);
  }, 30_000);
});
