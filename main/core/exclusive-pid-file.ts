import { linkSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { link, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  claimSteps,
  currentHolder,
  holderAlive,
  parseHolder,
  type PidFileFormat,
  type PidFileHolder,
  type PidFileStep,
  type PidFileSteps,
  releaseSteps,
} from './exclusive-pid-file-steps';
import { readRegularFile, readRegularFileSync } from './regular-file';

export type { PidFileFormat, PidFileHolder } from './exclusive-pid-file-steps';

// A holder is ~250 bytes; anything at the file's name that is not a regular file is refused, never followed or waited on.
const PID_FILE_LIMIT = { what: 'a PID file', maxBytes: 64 * 1024 };
export { holderAlive } from './exclusive-pid-file-steps';

/** A claim's outcome: held (with its release), or refused with the live holder that keeps the file. */
export type PidFileClaim<Release> = { held: true; release: Release } | { held: false; holder: PidFileHolder };

/**
 * An exclusive PID file with stale takeover (the algorithm: `claimSteps`): this process holds
 * `path` until it releases it, or is told which live process holds it. A file left by a dead
 * process (or a PID the kernel gave to a later process) is taken over, by exactly one claimant
 * when several race. Creates the folder.
 */
export async function claimPidFile(
  path: string,
  format: PidFileFormat,
  signal?: AbortSignal,
): Promise<PidFileClaim<() => Promise<void>>> {
  await mkdir(dirname(path), { recursive: true });
  const me = currentHolder(format);
  const outcome = await runSteps(claimSteps(path, me, format), signal);
  if (outcome !== true) return { held: false, holder: outcome };
  return { held: true, release: () => runSteps(releaseSteps(path, me)) };
}

/** `claimPidFile` for a caller that cannot wait asynchronously (it blocks while another process finishes a takeover). */
export function claimPidFileSync(path: string, format: PidFileFormat): PidFileClaim<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  const me = currentHolder(format);
  const outcome = runStepsSync(claimSteps(path, me, format));
  if (outcome !== true) return { held: false, holder: outcome };
  return { held: true, release: () => runStepsSync(releaseSteps(path, me)) };
}

/** The holder a PID file names, or undefined when there is no file. */
export function readPidFileHolder(path: string): PidFileHolder | undefined {
  const text = readText(path);
  return text === undefined ? undefined : parseHolder(text);
}

/** Performs the steps with blocking file calls. */
function runStepsSync<T>(steps: PidFileSteps<T>): T {
  let next = steps.next();
  while (!next.done) {
    try {
      next = steps.next(performSync(next.value));
    } catch (error) {
      next = steps.throw(error);
    }
  }
  return next.value;
}

async function runSteps<T>(steps: PidFileSteps<T>, signal?: AbortSignal): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    try {
      next = steps.next(await perform(next.value, signal));
    } catch (error) {
      next = steps.throw(error);
    }
  }
  return next.value;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function performSync(step: PidFileStep): unknown {
  switch (step.op) {
    case 'create':
      return writeFileSync(step.path, step.text, { mode: 0o600, flag: 'wx' });
    case 'link':
      try {
        linkSync(step.from, step.to);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
    case 'rename':
      return renameSync(step.from, step.to);
    case 'read':
      return readText(step.path);
    case 'remove':
      return rmSync(step.path, { force: true });
    case 'list':
      try {
        return readdirSync(step.dir);
      } catch {
        return [];
      }
    case 'alive':
      return holderAlive(step.holder);
    case 'sleep':
      return Atomics.wait(pause, 0, 0, step.ms);
  }
}

/** `signal` ends a wait only: a step that would leave a guard or temp file behind always runs. */
async function perform(step: PidFileStep, signal?: AbortSignal): Promise<unknown> {
  switch (step.op) {
    case 'create':
      return writeFile(step.path, step.text, { mode: 0o600, flag: 'wx' });
    case 'link':
      try {
        await link(step.from, step.to);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
    case 'rename':
      return rename(step.from, step.to);
    case 'read':
      return readRegularFile(step.path, PID_FILE_LIMIT);
    case 'remove':
      return rm(step.path, { force: true });
    case 'list':
      return readdir(step.dir).catch(() => [] as string[]);
    case 'alive':
      return holderAlive(step.holder);
    case 'sleep':
      return sleep(step.ms, undefined, signal ? { signal } : {});
  }
}

// Synchronous callers run on the main loop: a FIFO there must not block it.
function readText(path: string): string | undefined {
  return readRegularFileSync(path, PID_FILE_LIMIT);
}
