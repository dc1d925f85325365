import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { processAlive } from '../core/process-identity';
import { realSleep } from '../core/sleep';
import { writeFileAtomicSync } from '../core/write-file-atomic';
import { runDir } from '../lifecycle/journal/run-journal';
import { readAttach } from './reattach/attach-journal';

/**
 * A Stop asked of a run by another TrainDeck process. Kill-all deletes a run's resources, but only
 * the process that runs the run can keep it from launching again (a spot relaunch between two
 * attempts): a `traindeck kill-all` in a terminal writes this file into the run's folder, and the
 * app's (or another CLI's) run service takes it within a second and stops the run the user's way
 * (training stopped, data pushed, torn down; a relaunch in progress launches nothing). Taking the
 * file is the acknowledgement: the asker waits, bounded, for it to disappear.
 */
export const STOP_REQUEST_FILE = 'stop-request.json';

/** How often a run service looks for stop requests of its running runs. */
export const STOP_REQUEST_POLL_MS = 1_000;

// What a request's reason may be: one line of at most this many characters (it goes to the run's story).
const MAX_REASON_CHARS = 200;

/** Writes a stop request for the run (owner-only, atomic: never read half-written). */
export function writeStopRequest(dataDir: string, runId: string, reason: string): void {
  writeFileAtomicSync(
    join(runDir(dataDir, runId), STOP_REQUEST_FILE),
    JSON.stringify({ reason, pid: process.pid, at: new Date().toISOString() }),
    { mode: 0o600 },
  );
}

/**
 * Takes (reads and removes) the run's stop request: its reason as one bounded line, or undefined
 * when there is none. A request that cannot be read still stops the run (a generic reason).
 */
export function takeStopRequest(dataDir: string, runId: string): string | undefined {
  const file = join(runDir(dataDir, runId), STOP_REQUEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  rmSync(file, { force: true });
  let reason: unknown;
  try {
    reason = (JSON.parse(text) as { reason?: unknown }).reason;
  } catch {
    reason = undefined;
  }
  const line = typeof reason === 'string' ? reason.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim() : '';
  return line ? line.slice(0, MAX_REASON_CHARS) : 'stopped by another TrainDeck';
}

/** What {@link askOwnersToStop} found: the runs whose owner took the request, and the ones that did not in time. */
export interface StopAsked {
  heard: string[];
  unheard: Array<{ runId: string; pid: number }>;
}

/**
 * Asks every other live TrainDeck process that runs one of `runIds` to stop it, and waits (at most
 * `timeoutMs`) until each took its request. Runs of this process, of a process that is gone, and
 * finished runs are not asked. A request not taken in time is withdrawn: a later run service must
 * not stop a run on an old word.
 */
export async function askOwnersToStop(
  dataDir: string,
  runIds: readonly string[],
  reason: string,
  options: { timeoutMs?: number; sleep?: (ms: number) => Promise<void>; isAlive?: (pid: number) => boolean } = {},
): Promise<StopAsked> {
  const alive = options.isAlive ?? processAlive;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const asked: Array<{ runId: string; pid: number }> = [];
  for (const runId of new Set(runIds)) {
    const dir = runDir(dataDir, runId);
    const owner = readAttach(dir)?.owner;
    if (owner === undefined || owner === process.pid || !alive(owner) || runEnded(dir)) continue;
    writeStopRequest(dataDir, runId, reason);
    asked.push({ runId, pid: owner });
  }
  const pending = new Set(asked.map((a) => a.runId));
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (pending.size && Date.now() < deadline) {
    await sleep(200);
    for (const runId of [...pending]) {
      if (!requestWaiting(dataDir, runId)) pending.delete(runId);
    }
  }
  for (const runId of pending) rmSync(join(runDir(dataDir, runId), STOP_REQUEST_FILE), { force: true });
  return {
    heard: asked.filter((a) => !pending.has(a.runId)).map((a) => a.runId),
    unheard: asked.filter((a) => pending.has(a.runId)),
  };
}

/**
 * Waits until every run of `runIds` has ended (its events end with `finished`), looking every second,
 * until `signal` aborts (it then rejects). Another process's run that took a stop request ends by its own
 * teardown: a kill-all waits for it before deleting, so a relaunch that launched after the scan is the
 * run's to delete.
 */
export async function waitRunsEnded(dataDir: string, runIds: readonly string[], signal: AbortSignal): Promise<void> {
  const pending = new Set(runIds);
  for (;;) {
    for (const runId of [...pending]) if (runEnded(runDir(dataDir, runId))) pending.delete(runId);
    if (!pending.size) return;
    signal.throwIfAborted();
    await realSleep(1_000, signal);
  }
}

/**
 * The EC2 runs another live TrainDeck process is running now (its run folder's owner is alive and the
 * run has not ended). "Kill all" asks each to stop, not only those with a resource in its scan: a spot
 * relaunch between its teardown and its next launch has none, and would launch after the kill-all.
 */
export function liveRunsOfOthers(dataDir: string, isAlive: (pid: number) => boolean = processAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(join(dataDir, 'runs'));
  } catch {
    return [];
  }
  return names.filter((runId) => {
    const dir = runDir(dataDir, runId);
    const attach = readAttach(dir);
    const owner = attach?.owner;
    return (
      attach?.run?.backend === 'aws-ec2' &&
      owner !== undefined &&
      owner !== process.pid &&
      isAlive(owner) &&
      !runEnded(dir)
    );
  });
}

function requestWaiting(dataDir: string, runId: string): boolean {
  return existsSync(join(runDir(dataDir, runId), STOP_REQUEST_FILE));
}

// A run's last event is `finished` once it ended (the run service writes it last); read from the end only.
function runEnded(dir: string): boolean {
  let fd: number;
  try {
    fd = openSync(join(dir, 'events.jsonl'), 'r');
  } catch {
    return false;
  }
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 64 * 1024));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const last = tail.toString('utf8').trimEnd().split('\n').at(-1) ?? '';
    try {
      return (JSON.parse(last) as { type?: unknown }).type === 'finished';
    } catch {
      return false;
    }
  } finally {
    closeSync(fd);
  }
}
