import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { SyncFolder } from '../../../shared/run-config/schema';
import { runDir } from '../../lifecycle/journal/run-journal';
import { type PreparedRun, prepareRun } from '../pipeline/prepare-run';
import { STUB_RUN_CONFIG } from '../testing/stubbed-run-service';
import type { InstanceEnd } from './reattach-resources';
import { restartedDesktop } from './testing/restarted-desktop';
import { seedUnfinishedRun, spotMachine } from './testing/unfinished-run';

// Invariant: a spot run whose TrainDeck was closed when the spot notice came (its machine AWS took back
// before any TrainDeck read the interruption) is relaunched by the same path as one left between two
// attempts, when AWS says why it took the machine (StateReason Server.SpotInstanceTermination) and the
// executor's own log in S3 says that attempt pushed; otherwise nothing is launched and the report says why.
// A machine gone for another reason (a user's teardown) is followed as before. EC2 end to end:
// ec2-bed-restart-away.s3.test.ts.

vi.mock('../pipeline/prepare-run', () => ({ prepareRun: vi.fn() }));

const RUN = 'away-20261206-050000-ab12';
const at = '2026-12-06T05:00:00.000Z';
const folders: SyncFolder[] = [
  { name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' },
  { name: 'checkpoints', local: 'checkpoints', remote: 'checkpoints', policy: 'newest-wins' },
];
const storage = { bucket: 'td-data', prefix: 'runs/demo', region: 'eu-west-1', folders };
const LOG_KEY = `runs/demo/logs/${RUN}/executor.jsonl`;
const SPOT_TAKEN: InstanceEnd = { state: 'terminated', reason: 'Server.SpotInstanceTermination' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-reattach-away-'));
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

/** A spot run whose TrainDeck was killed while attempt 1 trained on i-0attempt1 (a dead executor pid). */
function seedAwayRun(spot: { maxRelaunches: number }) {
  const workDir = join(dir, 'work');
  mkdirSync(workDir, { recursive: true });
  seedUnfinishedRun(dir, RUN, {
    events: [
      { type: 'started', name: 'demo', backend: 'aws-ec2' },
      { type: 'phase', phase: 'preflight', status: 'succeeded' },
      {
        type: 'attempts',
        attempts: [
          {
            attempt: 1,
            instanceId: 'i-0attempt1',
            instanceType: 'g5.xlarge',
            zone: 'eu-west-1a',
            market: 'spot',
            startedAt: at,
          },
        ],
      },
      { type: 'phase', phase: 'training', status: 'running' },
    ],
    at,
    storage,
    workDir,
    executorPid: 999_999_998,
    offsets: { events: 0, train: 0, sync: 0 },
    aws: spotMachine('i-0attempt1', 'eu-west-1a', at),
  });
  const config = {
    ...STUB_RUN_CONFIG,
    compute: { instanceType: 'g5.xlarge', ttlMinutes: 60, diskGb: 100, market: 'spot', spot },
  };
  writeFileSync(join(runDir(dir, RUN), 'start.json'), JSON.stringify({ backend: 'aws-ec2', config }));
}

/** The S3 copy of the executor's log, as its final logs push left it. */
function executorLog(lines: object[]): Buffer {
  return Buffer.from(lines.map((l, i) => JSON.stringify({ seq: i + 1, at, ...l }) + '\n').join(''));
}
const PUSHED = { phase: 'pushing', status: 'succeeded', detail: { files: 3, failures: 0 } };
const doneOf = (attempt: number, outcome: string) => ({
  phase: 'done',
  status: 'failed',
  detail: { outcome, exitCode: null, attempt },
});

describe('a spot run whose TrainDeck was closed when AWS took its machine back', () => {
  it('taken back by a spot interruption, its push in S3: torn down, planned afresh, attempt 2 launched', async () => {
    const spot = { maxRelaunches: 1 };
    seedAwayRun(spot);
    const desktop = restartedDesktop(dir, spot, undefined, SPOT_TAKEN);
    desktop.bucket.putDirect(
      LOG_KEY,
      executorLog([{ phase: 'training', status: 'started' }, PUSHED, doneOf(1, 'spot-interrupted')]),
      {
        sseKey: 'fp',
      },
    );
    expect(desktop.runs.unfinished().map((r) => r.runId)).toEqual([RUN]);
    desktop.runs.reattach(RUN);
    const final = await desktop.runs.wait(RUN);
    // Never followed (nothing to connect to): the verified teardown first, then the relaunch by its one path.
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
    expect(final.attempts?.map((a) => [a.attempt, a.instanceId, a.end])).toEqual([
      [1, 'i-0attempt1', 'interrupted'],
      [2, '', 'launch-failed'],
    ]);
    expect(final.attempts?.[0]).toMatchObject({ costUsd: expect.any(Number), endedAt: expect.any(String) });
    expect(desktop.events.some((e) => e.type === 'log' && e.line.includes('Server.SpotInstanceTermination'))).toBe(
      true,
    );
    expect(desktop.events.some((e) => e.type === 'cost')).toBe(true);
  }, 60_000);

  it("its push not shown in S3 (an earlier attempt's end only): nothing launched, the report says why", async () => {
    const spot = { maxRelaunches: 1 };
    seedAwayRun(spot);
    const desktop = restartedDesktop(dir, spot, undefined, SPOT_TAKEN);
    // The line of another attempt (say, a log pulled from an earlier run of it) is not this attempt's push.
    desktop.bucket.putDirect(
      LOG_KEY,
      executorLog([PUSHED, doneOf(7, 'spot-interrupted'), { phase: 'training', status: 'started' }]),
      {
        sseKey: 'fp',
      },
    );
    desktop.runs.reattach(RUN);
    const final = await desktop.runs.wait(RUN);
    // Torn down (verified), nothing planned or launched.
    expect(desktop.calls.filter((c) => c !== 'reattach release')).toEqual(['resources']);
    expect(desktop.calls).toContain('reattach release');
    expect(desktop.prepared).toEqual([]);
    expect(final.state).toBe('failed');
    expect(desktop.events.find((e) => e.type === 'finished')).toMatchObject({
      reason: expect.stringMatching(/spot interruption of i-0attempt1.*push/),
    });
    expect(final.attempts?.map((a) => [a.attempt, a.end])).toEqual([[1, 'interrupted']]);
    expect(final.phases['tearing-down']).toMatchObject({ status: 'succeeded', detail: { remainingHourlyUsd: 0 } });
  }, 60_000);

  it("an earlier line claiming the attempt's end (the training writes to the same log) is not its end", async () => {
    const spot = { maxRelaunches: 1 };
    seedAwayRun(spot);
    const desktop = restartedDesktop(dir, spot, undefined, SPOT_TAKEN);
    const log = [
      PUSHED,
      doneOf(1, 'spot-interrupted'),
      { phase: 'pushing', status: 'failed' },
      doneOf(1, 'spot-interrupted'),
    ];
    desktop.bucket.putDirect(LOG_KEY, executorLog(log), { sseKey: 'fp' });
    desktop.runs.reattach(RUN);
    const final = await desktop.runs.wait(RUN);
    expect(desktop.prepared).toEqual([]);
    expect(final.state).toBe('failed');
    expect(final.attempts?.map((a) => [a.attempt, a.end])).toEqual([[1, 'interrupted']]);
  }, 60_000);

  it('gone by a user termination: not relaunched, followed as before (and failing to connect)', async () => {
    const spot = { maxRelaunches: 1 };
    seedAwayRun(spot);
    const desktop = restartedDesktop(dir, spot, undefined, {
      state: 'terminated',
      reason: 'Client.UserInitiatedShutdown',
    });
    desktop.bucket.putDirect(LOG_KEY, executorLog([PUSHED, doneOf(1, 'spot-interrupted')]), { sseKey: 'fp' });
    desktop.runs.reattach(RUN);
    const final = await desktop.runs.wait(RUN);
    expect(desktop.prepared).toEqual([]);
    expect(desktop.calls).not.toContain('preflight');
    expect(final.state).toBe('failed');
  }, 60_000);
});
