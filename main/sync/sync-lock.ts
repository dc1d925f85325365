import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { TypedError } from '../../shared/ipc/result';
import { processStartTicks, sameProcessAlive } from '../core/process-identity';
import { STATE_DIR } from './sync-state';

/** Who holds a lock file (its whole content, JSON). `id` tells two holders apart, even with one PID. */
export interface LockHolder {
  id: string;
  pid: number;
  host: string;
  /** Linux boot id: a PID from another boot is not the same process. */
  bootId?: string;
  /** Linux start time of the holder (`processStartTicks`): a PID reused by a later process is not the holder. */
  startTicks?: string;
  since: string;
}

/** How often one acquisition looks again while another process is taking a stale lock over. */
const MAX_ROUNDS = 200;
/** Guards of guards: one level per process that crashed in the middle of a takeover. */
const MAX_DEPTH = 4;

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

/**
 * One sync at a time per local root, across processes and within one.
 *
 * The lock file is created whole and exclusively: its content is written to a temp file that is
 * then hard-linked to `sync.lock` (link fails if the name exists), so nobody ever reads a
 * half-written lock. A lock whose holder is gone (no such PID, a PID now naming a process that
 * started later, or another boot of this host) is stale. Taking a stale lock over is atomic: only the process that creates the guard
 * `sync.lock.takeover-<stale id>` (again by link) may replace it, and it does so with one
 * rename, after checking that the lock still holds that same stale id. Everyone else waits for
 * the guard and looks again, and then finds a live holder. A guard whose holder died mid-takeover
 * is itself taken over the same way (a guard of the guard). A lock held on another host (a
 * shared disk) is never taken over: its liveness cannot be checked from here.
 */
export async function acquireSyncLock(localRoot: string): Promise<() => Promise<void>> {
  const dir = join(localRoot, STATE_DIR);
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'sync.lock');
  const me: LockHolder = {
    id: randomUUID(),
    pid: process.pid,
    host: hostname(),
    ...(bootId() ? { bootId: bootId()! } : {}),
    ...(myStartTicks() ? { startTicks: myStartTicks()! } : {}),
    since: new Date().toISOString(),
  };
  const outcome = await claim(path, me, 0);
  if (outcome !== true) throw lockedError(localRoot, path, outcome);
  await removeLeftovers(dir);
  return async () => {
    // Only our own lock: never a lock someone took over after deciding ours was stale.
    if ((await readHolder(path))?.id === me.id) await rm(path, { force: true });
  };
}

/** Makes `me` the holder of `path`, or returns the live holder that keeps it. */
async function claim(path: string, me: LockHolder, depth: number): Promise<true | LockHolder> {
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    if (await createExclusive(path, me)) return true;
    const holder = await readHolder(path);
    if (!holder) continue; // released between our link and our read: try again
    if (isAlive(holder)) return holder;
    if (depth >= MAX_DEPTH) return holder;
    // Stale: only whoever owns the guard for exactly this stale holder may replace it.
    const guard = `${path}.takeover-${holder.id.replace(/[^A-Za-z0-9-]/g, '')}`;
    const guarded = await claim(guard, me, depth + 1);
    if (guarded !== true) {
      // A live process is taking it over right now: let it finish, then look again.
      await sleep(5 + Math.random() * 20);
      continue;
    }
    try {
      if ((await readHolder(path))?.id !== holder.id) continue;
      const temp = await writeTemp(path, me);
      await rename(temp, path);
      return true;
    } finally {
      await rm(guard, { force: true });
    }
  }
  const holder = await readHolder(path);
  if (holder) return holder;
  throw new Error(`could not take the sync lock ${path} after ${MAX_ROUNDS} attempts`);
}

/** Creates `path` with our content in one step (hard link of a complete temp file); false if it exists. */
async function createExclusive(path: string, me: LockHolder): Promise<boolean> {
  const temp = await writeTemp(path, me);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

async function writeTemp(path: string, me: LockHolder): Promise<string> {
  // One prefix for every temp file (lock or guard), so that leftovers are found by name.
  const temp = join(dirname(path), `sync.lock.tmp-${me.pid}-${randomUUID().slice(0, 8)}`);
  await writeFile(temp, JSON.stringify(me), { mode: 0o600, flag: 'wx' });
  return temp;
}

/** The holder of a lock file; an older plain-PID lock reads as a holder with an id from its content. */
async function readHolder(path: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const contentId = createHash('sha256').update(text).digest('hex').slice(0, 32);
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
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
    // not JSON: an older lock holding only a PID, or garbage (a dead holder)
  }
  return { id: contentId, pid: Number(text.trim()) || 0, host: hostname(), since: '?' };
}

function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true; // cannot be checked from here
  if (holder.bootId && bootId() && holder.bootId !== bootId()) return false;
  return sameProcessAlive(holder.pid, holder.startTicks);
}

/** Guards and temp files left by processes that died mid-acquisition (never a live one's temp). */
async function removeLeftovers(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    // A guard is only ever checked against the lock's current holder, which is now us: all are obsolete.
    if (/^sync\.lock\.takeover-[A-Za-z0-9.-]+$/.test(name)) await rm(join(dir, name), { force: true });
    const temp = /^sync\.lock\.tmp-(\d+)-/.exec(name);
    if (temp && !isAlive({ id: '', pid: Number(temp[1]), host: hostname(), since: '' })) {
      await rm(join(dir, name), { force: true });
    }
  }
}

function lockedError(localRoot: string, path: string, holder: LockHolder): TypedError {
  const where = holder.host === hostname() ? '' : ` on host ${holder.host}`;
  const since = holder.since === '?' ? '' : ` since ${holder.since}`;
  return Object.assign(
    new TypedError('INVALID_REQUEST', `Another sync (PID ${holder.pid}${where}${since}) is using ${localRoot}.`, {
      fix:
        holder.host === hostname()
          ? 'Wait for it to finish, or stop that process, then sync again.'
          : `Wait for it to finish; if no sync runs on ${holder.host}, delete ${path}.`,
    }),
    { code: 'SYNC_LOCKED' },
  );
}
