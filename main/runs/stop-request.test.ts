import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { RunEvent } from '../../shared/domain/run';
import { runDir } from '../lifecycle/journal/run-journal';
import type { PreparedRun } from './pipeline/prepare-run';
import { prepareRun } from './pipeline/prepare-run';
import { runPipeline } from './pipeline/run-pipeline';
import { appendAttach } from './reattach/attach-journal';
import {
  askOwnersToStop,
  liveRunsOfOthers,
  STOP_REQUEST_FILE,
  takeStopRequest,
  writeStopRequest,
} from './stop-request';
import { STUB_RUN_CONFIG, stubbedRunService } from './testing/stubbed-run-service';

// Invariants: a run another TrainDeck process runs is stopped when kill-all from this process asks
// (its run service takes the request and stops the run the user's way); a request is asked only of a
// live other process for a run not ended; one not taken in time is withdrawn (no later process stops
// a run on an old word); the reason that reaches the run's story is one bounded line.

// The pipeline is covered by the S3 tests; here it trains until it is stopped.
vi.mock('./pipeline/prepare-run', () => ({ prepareRun: vi.fn() }));
vi.mock('./pipeline/run-pipeline', () => ({ runPipeline: vi.fn() }));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-stop-request-'));
  vi.mocked(prepareRun).mockResolvedValue({} as PreparedRun);
});
afterEach(async () => {
  vi.mocked(runPipeline).mockReset();
  await rm(dir, { recursive: true, force: true });
});

const config = STUB_RUN_CONFIG;

/** A run folder as another process's run service leaves it: owned by `pid`, its events ended or not. */
function runOf(runId: string, pid: number, ended = false, backend: 'aws-ec2' | 'ssh-host' = 'aws-ec2'): void {
  const folder = runDir(dir, runId);
  mkdirSync(folder, { recursive: true });
  const storage = { bucket: 'b', prefix: 'p', sseKeyFile: '/k', localRoot: '/l', folders: [] };
  appendAttach(folder, { type: 'run', pid, backend, name: runId, aws: { region: 'eu-west-1' }, storage, baseDir: '/' });
  const events = [{ type: 'started', runId, seq: 1 }, ...(ended ? [{ type: 'finished', runId, seq: 2 }] : [])];
  writeFileSync(join(folder, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

const requestFile = (runId: string) => join(runDir(dir, runId), STOP_REQUEST_FILE);

describe('stop requests between TrainDeck processes', () => {
  it("a running run's service takes the request and stops the run the user's way, with the reason in its story", async () => {
    vi.mocked(runPipeline).mockImplementation(
      ({ signal }) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => resolve({ outcome: 'cancelled', reason: String(signal.reason) })),
        ),
    );
    const events: RunEvent[] = [];
    const service = stubbedRunService(dir, events, { stopRequestPollMs: 20 });
    const { runId } = service.start({ config, baseDir: dir, backend: 'aws-ec2' });
    // A terminal's kill-all asks (askOwnersToStop writes this for a run of another live process).
    writeStopRequest(dir, runId, 'stopped by traindeck kill-all (pid 4242)');
    const final = await service.wait(runId);
    expect(final.state).toBe('cancelled');
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'log',
        line: 'stopped by traindeck kill-all (pid 4242): stopping training, pushing, verifying, then tearing down; nothing new is launched',
      }),
    );
    expect(existsSync(requestFile(runId))).toBe(false);
  });

  it('asks only a live other process, for a run not ended; waits for it to take the request', async () => {
    const other = process.pid + 100_000;
    runOf('live', other);
    runOf('gone', other + 1);
    runOf('ended', other, true);
    runOf('mine', process.pid);
    const alive = (pid: number) => pid === other || pid === process.pid;
    // The owner takes its request a moment later, as its run service's poll does.
    const taking = setInterval(() => takeStopRequest(dir, 'live'), 50);
    try {
      const asked = await askOwnersToStop(dir, ['live', 'gone', 'ended', 'mine', 'live', 'unknown'], 'why', {
        isAlive: alive,
      });
      expect(asked).toEqual({ heard: ['live'], unheard: [] });
    } finally {
      clearInterval(taking);
    }
    for (const runId of ['gone', 'ended', 'mine']) expect(existsSync(requestFile(runId)), runId).toBe(false);
  });

  it('"kill all" finds the live EC2 runs of other processes, also one with nothing in AWS now (a relaunch between attempts)', () => {
    const other = process.pid + 100_000;
    runOf('relaunching', other);
    runOf('own-machine', other, false, 'ssh-host');
    runOf('gone', other + 1);
    runOf('ended', other, true);
    runOf('mine', process.pid);
    expect(liveRunsOfOthers(dir, (pid) => pid === other || pid === process.pid)).toEqual(['relaunching']);
    expect(liveRunsOfOthers(join(dir, 'nowhere'))).toEqual([]);
  });

  it('a request not taken in time is withdrawn and said, with the pid to stop it at', async () => {
    const other = process.pid + 100_000;
    runOf('deaf', other);
    const asked = await askOwnersToStop(dir, ['deaf'], 'why', { isAlive: () => true, timeoutMs: 300 });
    expect(asked).toEqual({ heard: [], unheard: [{ runId: 'deaf', pid: other }] });
    expect(existsSync(requestFile('deaf'))).toBe(false);
  });

  it('the reason reaches the story as one bounded line; an unreadable request still stops', () => {
    runOf('r', 1);
    expect(takeStopRequest(dir, 'r')).toBeUndefined();
    writeStopRequest(dir, 'r', `kill-all\u001b[2J\r\nforged line\u202e${'x'.repeat(10_000)}`);
    const reason = takeStopRequest(dir, 'r')!;
    expect(reason).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(reason.startsWith('kill-all [2J forged line x')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual(200);
    expect(existsSync(requestFile('r'))).toBe(false);
    writeFileSync(requestFile('r'), '{not json');
    expect(takeStopRequest(dir, 'r')).toBe('stopped by another TrainDeck');
    expect(takeStopRequest(dir, 'r')).toBeUndefined();
  });
});
