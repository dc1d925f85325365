import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { processStartTicks, sameProcessAlive } from './process-identity';

/** Who holds an exclusive PID file. `id` tells two holders apart, even with one PID. */
export interface PidFileHolder {
  id: string;
  pid: number;
  host: string;
  /** Linux boot id: a PID from another boot is not the same process. */
  bootId?: string;
  /** Linux start time of the holder (`processStartTicks`): a PID reused by a later process is not the holder. */
  startTicks?: string;
  since: string;
}

/**
 * How a holder is written: `json` (every field, a random id) or `pid-line` ("PID START_TICKS\n", the
 * id being a hash of that line). `pid-line` keeps a file other code reads as a plain PID; PID and
 * start time name one process only where there is a /proc (Linux), so use it only there.
 * Both are read back by `readPidFileHolder`, as is a plain "PID" or garbage (a dead holder).
 */
export type PidFileFormat = 'json' | 'pid-line';

/**
 * One file-system or process question of the algorithm. The algorithm is a generator of these
 * steps so that one implementation serves a blocking caller (`runStepsSync`), an async one
 * (`runSteps`), and a test that interleaves several claimants step by step and crashes them anywhere.
 */
export type PidFileStep =
  /** Creates `path` (which must not exist) with `text`: the answer is undefined. */
  | { op: 'create'; path: string; text: string }
  /** Hard-links `from` to `to`: true, or false when `to` exists. */
  | { op: 'link'; from: string; to: string }
  /** Renames `from` over `to` (atomic). */
  | { op: 'rename'; from: string; to: string }
  /** The text of `path`, or undefined when there is none. */
  | { op: 'read'; path: string }
  /** Removes `path` if it exists. */
  | { op: 'remove'; path: string }
  /** The names in `dir` ([] when it cannot be read). */
  | { op: 'list'; dir: string }
  /** Whether the holder's process runs (same PID, start time, boot; another host counts as alive). */
  | { op: 'alive'; holder: PidFileHolder }
  /** Waits about `ms` while another process finishes a takeover. */
  | { op: 'sleep'; ms: number };

export type PidFileSteps<T> = Generator<PidFileStep, T, unknown>;

/** How often one claim looks again while another process is taking a stale file over. */
export const MAX_ROUNDS = 200;
/** Guards of guards: one level per process that crashed in the middle of a takeover. */
export const MAX_DEPTH = 4;

/**
 * Makes `me` the holder of the PID file `path`, or answers the live holder that keeps it.
 *
 * The file is created whole and exclusively: `me` is written to a temp file that is then
 * hard-linked to `path` (link fails if the name exists), so nobody ever reads a half-written
 * file. A file whose holder is gone (no such PID, a PID now naming a process that started later,
 * or another boot of this host) is stale. Taking a stale file over is atomic: only the process
 * that creates the guard `<path>.takeover-<stale id>` (again by link) may replace it, and it does
 * so with one rename, after checking that the file still names that same stale holder. Everyone
 * else waits for the guard and looks again, and then finds a live holder. A guard whose holder
 * died mid-takeover is itself taken over the same way (a guard of the guard), up to `MAX_DEPTH`
 * levels. A file held on another host (a shared disk) is never taken over: its liveness cannot
 * be checked from here. Once held, guards and dead processes' temp files are removed.
 */
export function* claimSteps(
  path: string,
  me: PidFileHolder,
  format: PidFileFormat,
): PidFileSteps<true | PidFileHolder> {
  const outcome = yield* claim(path, path, me, format, 0);
  if (outcome === true) yield* removeLeftovers(path);
  return outcome;
}

/** Removes the file if it still names `me`: never a file someone took over after deciding ours was stale. */
export function* releaseSteps(path: string, me: PidFileHolder): PidFileSteps<void> {
  if ((yield* readHolder(path))?.id === me.id) yield { op: 'remove', path };
}

function* claim(
  lock: string,
  path: string,
  me: PidFileHolder,
  format: PidFileFormat,
  depth: number,
): PidFileSteps<true | PidFileHolder> {
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    if (yield* createExclusive(lock, path, me, format)) return true;
    const holder = yield* readHolder(path);
    if (!holder) continue; // released between our link and our read: try again
    if (yield { op: 'alive', holder }) return holder;
    if (depth >= MAX_DEPTH) return holder;
    // Stale: only whoever owns the guard for exactly this stale holder may replace it.
    const guard = `${path}.takeover-${holder.id.replace(/[^A-Za-z0-9-]/g, '')}`;
    const guarded = yield* claim(lock, guard, me, format, depth + 1);
    if (guarded !== true) {
      // A live process is taking it over right now: let it finish, then look again.
      yield { op: 'sleep', ms: 5 + Math.random() * 20 };
      continue;
    }
    try {
      if ((yield* readHolder(path))?.id !== holder.id) continue;
      const temp = yield* writeTemp(lock, me, format);
      yield { op: 'rename', from: temp, to: path };
      return true;
    } finally {
      yield { op: 'remove', path: guard };
    }
  }
  const holder = yield* readHolder(path);
  if (holder) return holder;
  throw new Error(`Could not take ${path} after ${MAX_ROUNDS} attempts: other processes kept taking it. Try again.`);
}

/** Creates `path` with our content in one step (hard link of a complete temp file); false if it exists. */
function* createExclusive(lock: string, path: string, me: PidFileHolder, format: PidFileFormat): PidFileSteps<boolean> {
  const temp = yield* writeTemp(lock, me, format);
  try {
    return (yield { op: 'link', from: temp, to: path }) as boolean;
  } finally {
    yield { op: 'remove', path: temp };
  }
}

function* writeTemp(lock: string, me: PidFileHolder, format: PidFileFormat): PidFileSteps<string> {
  // One prefix for every temp file (file or guard), so that leftovers are found by name.
  const temp = join(dirname(lock), `${basename(lock)}.tmp-${me.pid}-${randomUUID().slice(0, 8)}`);
  yield { op: 'create', path: temp, text: holderText(me, format) };
  return temp;
}

function* readHolder(path: string): PidFileSteps<PidFileHolder | undefined> {
  const text = (yield { op: 'read', path }) as string | undefined;
  return text === undefined ? undefined : parseHolder(text);
}

/** Guards and temp files left by processes that died mid-claim (never a live one's temp). */
function* removeLeftovers(lock: string): PidFileSteps<void> {
  const dir = dirname(lock);
  const base = basename(lock).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const guard = new RegExp(`^${base}\\.takeover-[A-Za-z0-9.-]+$`);
  const temp = new RegExp(`^${base}\\.tmp-(\\d+)-`);
  for (const name of (yield { op: 'list', dir }) as string[]) {
    // A guard is only ever checked against the file's current holder, which is now us: all are obsolete.
    if (guard.test(name)) yield { op: 'remove', path: join(dir, name) };
    const owner = temp.exec(name);
    if (owner && !(yield { op: 'alive', holder: { id: '', pid: Number(owner[1]), host: hostname(), since: '' } })) {
      yield { op: 'remove', path: join(dir, name) };
    }
  }
}

/** This process as a holder, in `format` (its id is the hash of its line in `pid-line`). */
export function currentHolder(format: PidFileFormat): PidFileHolder {
  const ticks = myStartTicks();
  const boot = bootId();
  const me: PidFileHolder = {
    id: randomUUID(),
    pid: process.pid,
    host: hostname(),
    ...(boot ? { bootId: boot } : {}),
    ...(ticks ? { startTicks: ticks } : {}),
    since: new Date().toISOString(),
  };
  return format === 'json' ? me : { ...me, id: contentId(holderText(me, format)) };
}

/** The text a holder is written as. */
export function holderText(holder: PidFileHolder, format: PidFileFormat): string {
  if (format === 'pid-line') return `${holder.pid}${holder.startTicks ? ` ${holder.startTicks}` : ''}\n`;
  return JSON.stringify(holder);
}

/** The holder a PID file's text names; a plain "PID [START_TICKS]" line or garbage reads as a holder whose id is its content. */
export function parseHolder(text: string): PidFileHolder {
  try {
    const parsed = JSON.parse(text) as Partial<PidFileHolder>;
    if (typeof parsed.id === 'string' && typeof parsed.pid === 'number') {
      return {
        id: parsed.id,
        pid: parsed.pid,
        host: parsed.host ?? hostname(),
        ...(parsed.bootId ? { bootId: parsed.bootId } : {}),
        ...(typeof parsed.startTicks === 'string' ? { startTicks: parsed.startTicks } : {}),
        since: parsed.since ?? '?',
      };
    }
  } catch {
    // not JSON: a PID line, or garbage (a dead holder)
  }
  const line = /^(\d+)(?: (\d+))?$/.exec(text.trim());
  return {
    id: contentId(text),
    pid: line ? Number(line[1]) : 0,
    host: hostname(),
    ...(line?.[2] ? { startTicks: line[2] } : {}),
    since: '?',
  };
}

function contentId(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Whether the process a holder names still runs: same host (else assumed), same boot, same PID and start time. */
export function holderAlive(holder: PidFileHolder): boolean {
  if (holder.host !== hostname()) return true; // cannot be checked from here
  if (holder.bootId && bootId() && holder.bootId !== bootId()) return false;
  return sameProcessAlive(holder.pid, holder.startTicks);
}

let cachedStartTicks: string | undefined | null = null;
function myStartTicks(): string | undefined {
  if (cachedStartTicks === null) cachedStartTicks = processStartTicks(process.pid);
  return cachedStartTicks;
}

let cachedBootId: string | undefined | null = null;
function bootId(): string | undefined {
  if (cachedBootId === null) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    } catch {
      cachedBootId = undefined; // not Linux: the PID check alone
    }
  }
  return cachedBootId;
}
