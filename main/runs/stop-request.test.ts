import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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
import { askOwnersToStop, liveRunsOfOthers, takeStopRequest, waitRunsEnded, writeStopRequest } from './stop-request';
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

/** The run's waiting request files (old and new names alike: a test of the old code finds its file too). */
const requestFiles = (runId: string) =>
  readdirSync(runDir(dir, runId)).filter((name) => name.startsWith('stop-request'));

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
    expect(requestFiles(runId)).toEqual([]);
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
    for (const runId of ['gone', 'ended', 'mine']) expect(requestFiles(runId), runId).toEqual([]);
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
    expect(requestFiles('deaf')).toEqual([]);
  });

  it('the reason reaches the story as one bounded line; an unreadable request still stops', () => {
    runOf('r', 1);
    expect(takeStopRequest(dir, 'r')).toBeUndefined();
    writeStopRequest(dir, 'r', `kill-all\u001b[2J\r\nforged line\u202e${'x'.repeat(10_000)}`);
    const reason = takeStopRequest(dir, 'r')!;
    expect(reason).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(reason.startsWith('kill-all [2J forged line x')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual(200);
    expect(requestFiles('r')).toEqual([]);
    writeStopRequest(dir, 'r', 'unread');
    writeFileSync(join(runDir(dir, 'r'), requestFiles('r')[0]!), '{not json');
    expect(takeStopRequest(dir, 'r')).toBe('stopped by another TrainDeck');
    expect(takeStopRequest(dir, 'r')).toBeUndefined();
  });
});

// Break-it review of 12410ae/df1d5cf: each case below failed on the code before it (said where).
describe('stop requests against hostile files, races and dead processes', () => {
  /** The pid of a process that has exited (its number is free). */
  const deadPid = () => spawnSync('true').pid;
  const folderOf = (runId: string) => runDir(dir, runId);

  it('a request under a link is not believed and not followed', () => {
    runOf('linked', process.pid);
    // Before: the link was followed (an outside file's words stopped the run).
    const outside = join(dir, 'outside.json');
    writeFileSync(outside, JSON.stringify({ reason: 'forged through a link', pid: process.pid }));
    writeStopRequest(dir, 'linked', 'real');
    const [name] = requestFiles('linked');
    rmSync(join(folderOf('linked'), name!));
    symlinkSync(outside, join(folderOf('linked'), name!));
    expect(takeStopRequest(dir, 'linked')).toBeUndefined();
    expect(requestFiles('linked')).toEqual([]);
    expect(readFileSync(outside, 'utf8')).toContain('forged through a link');
  });

  it("a request that is a FIFO is not believed and never blocks the owner's loop", async () => {
    runOf('piped', process.pid);
    // Before: readFileSync of a FIFO waited for its writer (the app's main loop with it).
    writeStopRequest(dir, 'piped', 'real');
    const [fifoName] = requestFiles('piped');
    const fifo = join(folderOf('piped'), fifoName!);
    rmSync(fifo);
    execFileSync('mkfifo', [fifo]);
    // A writer that holds the FIFO open and says nothing for 3 s: the old read returned only then.
    // It opens without creating (a shell's `3>` made a regular file of that name when it ran after the
    // FIFO was taken, at load), and the request is taken only once it holds the FIFO.
    const holdOpen = `const fs = require('node:fs'); fs.openSync(process.argv[1], fs.constants.O_RDWR); console.log('open'); setTimeout(() => {}, 3000);`;
    const writer = spawn(process.execPath, ['-e', holdOpen, fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise<void>((resolve, reject) => {
        writer.stdout.once('data', () => resolve());
        writer.once('exit', () => reject(new Error('the FIFO writer exited before it held the FIFO open')));
      });
      expect(takeStopRequest(dir, 'piped')).toBeUndefined();
    } finally {
      writer.kill();
    }
    expect(requestFiles('piped')).toEqual([]);
  });

  it('the request of an asker that is gone (killed while it waited) is stale: removed, the run not stopped', () => {
    runOf('stale', process.pid);
    writeStopRequest(dir, 'stale', 'an old word');
    const [name] = requestFiles('stale');
    const dead = deadPid();
    const file = join(folderOf('stale'), name!);
    const request = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    rmSync(file);
    writeFileSync(
      join(folderOf('stale'), name!.replace(`-${process.pid}-`, `-${dead}-`)),
      JSON.stringify({ ...request, pid: dead }),
    );
    expect(takeStopRequest(dir, 'stale')).toBeUndefined();
    expect(requestFiles('stale')).toEqual([]);
  });

  it("two kill-alls at once: one withdrawing its unheard request never makes the other's look taken", async () => {
    const other = process.pid + 100_000;
    runOf('busy', other);
    let first = true;
    // While B waits, A asks the same run and gives up at once (nobody takes either request).
    const asked = await askOwnersToStop(dir, ['busy'], 'B', {
      isAlive: () => true,
      timeoutMs: 200,
      sleep: async () => {
        if (!first) return;
        first = false;
        const a = await askOwnersToStop(dir, ['busy'], 'A', { isAlive: () => true, timeoutMs: 0 });
        expect(a.heard).toEqual([]);
      },
    });
    // Before: A's withdrawal removed B's request too, and B said the run had taken it.
    expect(asked).toEqual({ heard: [], unheard: [{ runId: 'busy', pid: other }] });
    expect(requestFiles('busy')).toEqual([]);
  });

  it('a run that ends while asked is withdrawn at once, not reported as a TrainDeck that did not answer', async () => {
    const other = process.pid + 100_000;
    runOf('ending', other);
    let looks = 0;
    const asked = await askOwnersToStop(dir, ['ending'], 'why', {
      isAlive: () => true,
      timeoutMs: 60_000,
      sleep: async () => {
        looks += 1;
        if (looks === 1) appendFileSync(join(folderOf('ending'), 'events.jsonl'), '{"type":"finished"}\n');
        // Before: the ended run was waited for until the limit, then said as unheard.
        if (looks > 5) throw new Error('still waiting for a run that ended');
      },
    });
    expect(asked).toEqual({ heard: [], unheard: [], ended: ['ending'] });
    expect(requestFiles('ending')).toEqual([]);
  });

  it('a run folder swapped for a link, or an id that is not a run id, gets no request', async () => {
    const other = process.pid + 100_000;
    runOf('elsewhere', other);
    renameSync(folderOf('elsewhere'), join(dir, 'moved'));
    symlinkSync(join(dir, 'moved'), folderOf('elsewhere'));
    runOf('../../escape', other);
    const asked = await askOwnersToStop(dir, ['elsewhere', '../../escape'], 'why', {
      isAlive: () => true,
      timeoutMs: 0,
    });
    expect(asked).toEqual({ heard: [], unheard: [] });
    // Before: both were asked, through the link and outside the runs folder.
    expect(readdirSync(join(dir, 'moved')).filter((n) => n.startsWith('stop-request'))).toEqual([]);
    expect(readdirSync(join(dir, '..', 'escape')).filter((n) => n.startsWith('stop-request'))).toEqual([]);
    expect(liveRunsOfOthers(dir, () => true)).toEqual([]);
    rmSync(join(dir, '..', 'escape'), { recursive: true, force: true });
  });

  it('a pid the kernel gave to another process is not the owner (its start time differs)', async () => {
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      runOf('reused', process.pid + 100_000);
      // The owner recorded its start time; the pid now names a process started at another time.
      appendAttach(folderOf('reused'), { type: 'owner', pid: stranger.pid!, ticks: '1' });
      // Before: the stranger was taken for the owner, asked, and waited for.
      expect(liveRunsOfOthers(dir)).toEqual([]);
      expect(await askOwnersToStop(dir, ['reused'], 'why', { timeoutMs: 0 })).toEqual({ heard: [], unheard: [] });
      expect(requestFiles('reused')).toEqual([]);
    } finally {
      stranger.kill();
    }
  });

  it('the end of a run whose TrainDeck exited is not waited for (nobody will write it)', async () => {
    runOf('orphan', deadPid());
    // Before: waited until the limit (here, the abort) for a "finished" nobody could write.
    expect(await waitRunsEnded(dir, ['orphan'], AbortSignal.timeout(20_000))).toEqual(['orphan']);
  });

  it('a cancelled kill-all withdraws its requests at once', async () => {
    const other = process.pid + 100_000;
    runOf('asked', other);
    const cancel = new AbortController();
    let looks = 0;
    const asked = await askOwnersToStop(dir, ['asked'], 'why', {
      isAlive: () => true,
      timeoutMs: 60_000,
      signal: cancel.signal,
      sleep: async () => {
        looks += 1;
        if (looks === 1) cancel.abort();
        // Before: there was no cancel; the ask went on to its limit.
        if (looks > 5) throw new Error('still asking after the cancel');
      },
    });
    expect(asked).toEqual({ heard: [], unheard: [{ runId: 'asked', pid: other }] });
    expect(requestFiles('asked')).toEqual([]);
  });

  it('the reason is one line with no separator of lines or paragraphs, and is not cut inside a character', () => {
    runOf('lines', process.pid);
    writeStopRequest(dir, 'lines', `one\u2028two\u2029three${'😀'.repeat(300)}`);
    const reason = takeStopRequest(dir, 'lines')!;
    // Before: U+2028 and U+2029 went through, and the cut at 200 UTF-16 units could split a pair.
    expect(reason).not.toMatch(/[\u2028\u2029]/);
    expect(reason.startsWith('one two three😀')).toBe(true);
    expect(reason).not.toMatch(/\p{Cs}/u);
  });
});

// Invariant of RunService.stopRuns (a kill-all's first step): every live run it is asked for stops, this
// app's the user's way and another process's through its folder; with `everyLiveRun`, every live EC2 run
// too (ours and theirs) but no run on the user's own machine; it says which it stopped and when they ended.
describe('RunService.stopRuns', () => {
  // Stopped as soon as asked, also before the pipeline began (the kill-all comes right after the start here).
  const trainUntilStopped = () =>
    vi.mocked(runPipeline).mockImplementation(
      ({ signal }) =>
        new Promise((resolve) => {
          const stop = () => resolve({ outcome: 'cancelled', reason: String(signal.reason) });
          if (signal.aborted) stop();
          else signal.addEventListener('abort', stop);
        }),
    );
  /** Another process's run service, taking every stop request of `runIds` as its poll does. */
  const otherProcessTakes = (runIds: string[]) =>
    setInterval(() => runIds.forEach((runId) => takeStopRequest(dir, runId)), 50);

  it('stops the named runs of this app and asks the owner of the others; says which and when they ended', async () => {
    trainUntilStopped();
    const service = stubbedRunService(dir, [], { stopRequestPollMs: 60_000 });
    const named = service.start({ config, baseDir: dir, backend: 'aws-ec2' }).runId;
    const notNamed = service.start({ config, baseDir: dir, backend: 'aws-ec2' }).runId;
    // The vitest process that started this worker: alive, and not this process.
    runOf('theirs', process.ppid);
    const taking = otherProcessTakes(['theirs']);
    try {
      const stopped = service.stopRuns([named, 'theirs', 'unknown']);
      expect(stopped.runIds).toEqual([named]);
      await stopped.ended;
      expect(service.get(named).state).toBe('cancelled');
      expect(service.get(notNamed).state).toBe('running');
      expect(await stopped.asked).toEqual({ heard: ['theirs'], unheard: [] });
    } finally {
      clearInterval(taking);
      service.cancel(notNamed);
      await service.wait(notNamed);
    }
  });

  // Break-it: a run of this app already stopping (the user's Stop) was neither stopped again nor waited for, so the
  // kill-all deleted while that run's own teardown was still under way.
  it('a run of this app that is already stopping is waited for: its own teardown goes first', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    vi.mocked(runPipeline).mockImplementation(
      ({ signal }) =>
        new Promise((resolve) =>
          signal.addEventListener(
            'abort',
            () => void held.then(() => resolve({ outcome: 'cancelled', reason: 'stop' })),
          ),
        ),
    );
    const service = stubbedRunService(dir, [], { stopRequestPollMs: 60_000 });
    const { runId } = service.start({ config, baseDir: dir, backend: 'aws-ec2' });
    await vi.waitFor(() => expect(vi.mocked(runPipeline)).toHaveBeenCalled());
    expect(service.cancel(runId)).toBe(true); // the user's Stop: its teardown is under way
    const stopped = service.stopRuns([runId], { everyLiveRun: true });
    expect(stopped.stopping).toEqual([runId]);
    let ended = false;
    void stopped.ended.then(() => (ended = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended, 'ended before the run did').toBe(false);
    release();
    await stopped.ended;
    expect(service.get(runId).state).toBe('cancelled');
    expect(await stopped.asked).toEqual({ heard: [], unheard: [] });
  });

  it('with everyLiveRun, also every live EC2 run of this app and of other processes, never a run on an own machine', async () => {
    trainUntilStopped();
    const events: RunEvent[] = [];
    const service = stubbedRunService(dir, events, { stopRequestPollMs: 60_000 });
    const ec2 = service.start({ config, baseDir: dir, backend: 'aws-ec2' }).runId;
    const ownMachine = service.start({ config, baseDir: dir, backend: 'ssh-host' }).runId;
    runOf('their-relaunch', process.ppid);
    runOf('their-own-machine', process.ppid, false, 'ssh-host');
    const taking = otherProcessTakes(['their-relaunch', 'their-own-machine']);
    try {
      const stopped = service.stopRuns([], { everyLiveRun: true });
      expect(stopped.runIds).toEqual([ec2]);
      await stopped.ended;
      expect(service.get(ec2).state).toBe('cancelled');
      expect(events).toContainEqual(
        expect.objectContaining({ runId: ec2, reason: expect.stringContaining('stopped by kill-all') }),
      );
      expect(service.get(ownMachine).state).toBe('running');
      expect(await stopped.asked).toEqual({ heard: ['their-relaunch'], unheard: [] });
      expect(requestFiles('their-own-machine')).toEqual([]);
    } finally {
      clearInterval(taking);
      service.cancel(ownMachine);
      await service.wait(ownMachine);
    }
  });
});
