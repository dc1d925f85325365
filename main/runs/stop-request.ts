import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, readdirSync, readSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

import { RUN_ID_PATTERN } from '../../shared/domain/tags';
import { processStartTicks, sameProcessAlive } from '../core/process-identity';
import { openRegularFileSync } from '../core/regular-file';
import { realSleep } from '../core/sleep';
import { writeFileAtomicSync } from '../core/write-file-atomic';
import { runDir } from '../lifecycle/journal/run-journal';
import { type OwnerAlive, ownerAlive, readAttach } from './reattach/attach-journal';

/**
 * A Stop asked of a run by another TrainDeck process. Kill-all deletes a run's resources, but only
 * the process that runs the run can keep it from launching again (a spot relaunch between two
 * attempts): a `traindeck kill-all` in a terminal (or the app) writes a request file into the run's
 * folder, and the run service of the run's owner takes it within a second and stops the run the
 * user's way (training stopped, data pushed, torn down; a relaunch in progress launches nothing).
 *
 * Each asker writes its own file, `stop-request-PID-RANDOM.json`, so two askers never take each
 * other's word for an answer. Taking a request is one rename (the owner's claim) and withdrawing it
 * one unlink (the asker's): exactly one of them wins, so "taken" and "withdrawn" never both happen.
 * The owner believes only a regular file (never a link, a FIFO or a device; at most 4 KiB read) of
 * an asker that still runs: the request of an asker killed while it waited is stale, and removed.
 */
const REQUEST_NAME = /^stop-request-(\d{1,10})-[0-9a-f]{12}\.json$/;

/** How often a run service looks for stop requests of its running runs. */
export const STOP_REQUEST_POLL_MS = 1_000;

// What a request's reason may be: one line of at most this many characters (it goes to the run's story).
const MAX_REASON_CHARS = 200;
// The most of a request file read: a request is ~150 bytes; a bigger file is not read whole.
const MAX_REQUEST_BYTES = 4096;
// Control, format (bidi), line and paragraph separators, and lone surrogates: none reaches the story.
const NOT_ONE_LINE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]+/gu;

/**
 * Writes a stop request of this process for the run (owner-only, atomic: never read half-written);
 * returns its file name, which only this asker withdraws.
 */
export function writeStopRequest(dataDir: string, runId: string, reason: string): string {
  const name = `stop-request-${process.pid}-${randomHex()}.json`;
  const ticks = processStartTicks(process.pid);
  writeFileAtomicSync(
    join(runDir(dataDir, runId), name),
    // The reason bounded here too: the whole request stays within what the owner reads.
    JSON.stringify({
      reason: [...reason].slice(0, MAX_REASON_CHARS).join(''),
      pid: process.pid,
      ...(ticks ? { ticks } : {}),
      at: new Date().toISOString(),
    }),
    { mode: 0o600, exclusive: true },
  );
  return name;
}

/** The stop requests waiting in the run's folder (their file names). */
export function stopRequestsWaiting(dataDir: string, runId: string): string[] {
  try {
    return readdirSync(runDir(dataDir, runId)).filter((name) => REQUEST_NAME.test(name));
  } catch {
    return [];
  }
}

/**
 * Takes (claims, reads and removes) the run's stop requests: the reason of one as one bounded line,
 * or undefined when there is none to believe. A request of an asker that is gone, or that is not a
 * regular file, is removed and not believed; one that cannot be parsed still stops the run (a generic
 * reason). Never throws, never blocks on what it finds under a request's name.
 */
export function takeStopRequest(dataDir: string, runId: string): string | undefined {
  const dir = runDir(dataDir, runId);
  let reason: string | undefined;
  for (const name of stopRequestsWaiting(dataDir, runId)) {
    const claimed = join(dir, `.taken-${name}`);
    try {
      // The claim: from here the asker's withdrawal finds nothing, and knows its request was taken.
      renameSync(join(dir, name), claimed);
    } catch {
      continue; // withdrawn (or taken by another poll) meanwhile
    }
    try {
      const taken = readRequest(claimed, Number(REQUEST_NAME.exec(name)![1]));
      reason ??= taken;
    } finally {
      rmSync(claimed, { force: true });
    }
  }
  return reason;
}

// The request's reason, or undefined when it is not one to believe (not a regular file, its asker gone).
function readRequest(path: string, namedPid: number): string | undefined {
  let text: string;
  try {
    const opened = openRegularFileSync(path);
    if (!opened) return undefined;
    try {
      const bytes = Buffer.alloc(MAX_REQUEST_BYTES);
      text = bytes.toString('utf8', 0, readSync(opened.fd, bytes, 0, bytes.length, 0));
    } finally {
      closeSync(opened.fd);
    }
  } catch {
    return undefined; // a link, a FIFO, or gone
  }
  let request: { reason?: unknown; pid?: unknown; ticks?: unknown } = {};
  try {
    request = JSON.parse(text) as typeof request;
  } catch {
    // Unparsable (or larger than read): its name still says who asks.
  }
  const ticks = request.pid === namedPid && typeof request.ticks === 'string' ? request.ticks : undefined;
  if (!sameProcessAlive(namedPid, ticks)) return undefined;
  const line = typeof request.reason === 'string' ? request.reason.replace(NOT_ONE_LINE, ' ').trim() : '';
  return line ? [...line].slice(0, MAX_REASON_CHARS).join('') : 'stopped by another TrainDeck';
}

/**
 * What {@link askOwnersToStop} found: the runs whose owner took the request, the ones that did not in
 * time (or whose request could not be written: `why`), and the ones that ended meanwhile on their own.
 */
export interface StopAsked {
  heard: string[];
  unheard: Array<{ runId: string; pid: number; why?: string }>;
  /** Runs that ended while asked, before their owner took the request: nothing is left to stop. */
  ended?: string[];
}

/**
 * Stops this app's live runs among `runIds` (with `everyLiveRun`, every live EC2 run) and asks other
 * TrainDeck processes to stop theirs: a kill-all's first step (`RunService.stopRuns`).
 */
export type StopRuns = (
  runIds: readonly string[],
  options?: { everyLiveRun?: boolean; signal?: AbortSignal },
) => StoppedRuns;

/** The live runs a kill-all stopped (their ids), and a promise that settles once every one of them has ended. */
export interface StoppedRuns {
  runIds: string[];
  /**
   * This app's runs among those asked for that were stopping already (the user's Stop, the budget): not
   * stopped again, but their own teardown goes first all the same; `ended` waits for them too.
   */
  stopping?: string[];
  ended: Promise<unknown>;
  /** Runs another TrainDeck process runs (a `traindeck run` in a terminal), asked to stop through their folder. */
  asked?: Promise<StopAsked>;
}

/**
 * Asks every other live TrainDeck process that runs one of `runIds` to stop it, and waits (at most
 * `timeoutMs`, and until `signal` aborts) until each took its request. Runs of this process, of a
 * process that is gone, finished runs and ids that are not run ids are not asked. A request not taken
 * in time (or when `signal` aborts) is withdrawn: a later run service must not stop a run on an old
 * word. A run folder that is a link, or where the request cannot be written, is reported unheard with
 * why; it does not keep the other runs from being asked.
 */
export async function askOwnersToStop(
  dataDir: string,
  runIds: readonly string[],
  reason: string,
  options: {
    timeoutMs?: number;
    sleep?: (ms: number) => Promise<void>;
    isAlive?: OwnerAlive;
    signal?: AbortSignal;
  } = {},
): Promise<StopAsked> {
  const alive: OwnerAlive = options.isAlive ?? sameProcessAlive;
  const sleep = options.sleep ?? ((ms: number) => realSleep(ms, options.signal).catch(() => undefined));
  const asked: Array<{ runId: string; pid: number; file: string }> = [];
  const unheard: StopAsked['unheard'] = [];
  for (const runId of new Set(runIds)) {
    if (!RUN_ID_PATTERN.test(runId) || !isRealFolder(runDir(dataDir, runId))) continue;
    const dir = runDir(dataDir, runId);
    const attach = readAttach(dir);
    const owner = attach?.owner;
    if (owner === undefined || owner === process.pid || !ownerAlive(attach, alive) || runEnded(dir)) continue;
    try {
      asked.push({ runId, pid: owner, file: writeStopRequest(dataDir, runId, reason) });
    } catch (error) {
      unheard.push({ runId, pid: owner, why: `its request could not be written (${messageOf(error)})` });
    }
  }
  const heard: string[] = [];
  const ended: string[] = [];
  // The asker's side of the rule: an unlink that finds the file withdrew it; one that finds nothing, it was taken.
  const withdraw = (entry: (typeof asked)[number]): boolean => {
    try {
      unlinkSync(join(runDir(dataDir, entry.runId), entry.file));
      return true;
    } catch {
      return false;
    }
  };
  let pending = asked;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (pending.length && Date.now() < deadline && !options.signal?.aborted) {
    await sleep(200);
    pending = pending.filter((entry) => {
      if (!requestWaiting(dataDir, entry)) return (void heard.push(entry.runId), false);
      // A run that ended meanwhile has nothing to stop: its request is withdrawn, not waited for.
      if (!runEnded(runDir(dataDir, entry.runId))) return true;
      if (withdraw(entry)) ended.push(entry.runId);
      else heard.push(entry.runId);
      return false;
    });
  }
  for (const entry of pending) {
    if (withdraw(entry)) unheard.push({ runId: entry.runId, pid: entry.pid });
    else heard.push(entry.runId);
  }
  return { heard, unheard, ...(ended.length ? { ended } : {}) };
}

/**
 * Waits until every run of `runIds` has ended (its events end with `finished`) or its owner is gone,
 * looking every second, until `signal` aborts (it then rejects). Another process's run that took a stop
 * request ends by its own teardown: a kill-all waits for it before deleting, so a relaunch that launched
 * after the scan is the run's to delete. An owner that exits (killed) before its run ended will never
 * end it: that run is not waited for, and returned (what the kill-all then deletes is all there is).
 */
export async function waitRunsEnded(
  dataDir: string,
  runIds: readonly string[],
  signal: AbortSignal,
  isAlive: OwnerAlive = sameProcessAlive,
): Promise<string[]> {
  const pending = new Set(runIds);
  const ownerGone: string[] = [];
  for (;;) {
    for (const runId of [...pending]) {
      const dir = runDir(dataDir, runId);
      if (runEnded(dir)) pending.delete(runId);
      else if (!ownerAlive(readAttach(dir), isAlive)) {
        pending.delete(runId);
        if (!runEnded(dir)) ownerGone.push(runId);
      }
    }
    if (!pending.size) return ownerGone;
    signal.throwIfAborted();
    await realSleep(1_000, signal);
  }
}

/**
 * The EC2 runs another live TrainDeck process is running now (its run folder's owner is alive and the
 * run has not ended). "Kill all" asks each to stop, not only those with a resource in its scan: a spot
 * relaunch between its teardown and its next launch has none, and would launch after the kill-all.
 */
export function liveRunsOfOthers(dataDir: string, isAlive: OwnerAlive = sameProcessAlive): string[] {
  let names: string[];
  try {
    names = readdirSync(join(dataDir, 'runs'));
  } catch {
    return [];
  }
  return names.filter((runId) => {
    const dir = runDir(dataDir, runId);
    if (!RUN_ID_PATTERN.test(runId) || !isRealFolder(dir)) return false;
    const attach = readAttach(dir);
    const owner = attach?.owner;
    return (
      attach?.run?.backend === 'aws-ec2' &&
      owner !== undefined &&
      owner !== process.pid &&
      ownerAlive(attach, isAlive) &&
      !runEnded(dir)
    );
  });
}

function requestWaiting(dataDir: string, entry: { runId: string; file: string }): boolean {
  try {
    lstatSync(join(runDir(dataDir, entry.runId), entry.file));
    return true;
  } catch {
    return false;
  }
}

// No run folder is followed through a link: a folder swapped for one would take requests (and reads) elsewhere.
function isRealFolder(dir: string): boolean {
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}

// A run's last event is `finished` once it ended (the run service writes it last); read from the end only.
function runEnded(dir: string): boolean {
  let opened: { fd: number; size: number } | undefined;
  try {
    opened = openRegularFileSync(join(dir, 'events.jsonl'));
  } catch {
    return false;
  }
  if (!opened) return false;
  const { fd, size } = opened;
  try {
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

function randomHex(): string {
  return randomBytes(6).toString('hex');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
