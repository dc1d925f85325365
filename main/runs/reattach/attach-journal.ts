import { join } from 'node:path';

import type { LaunchMarket } from '../../../shared/domain/capacity-failover';
import type { ComputeBackendKind } from '../../../shared/domain/run';
import type { ExecutorSpec } from '../../../shared/executor/protocol';
import type { MonitoringConfig } from '../../../shared/run-config/monitoring-section';
import type { StorageConfig } from '../../../shared/run-config/schema';
import { sameProcessAlive } from '../../core/process-identity';
import { appendRegularFileSync, readRegularFileSync, RefusedFileError } from '../../core/regular-file';
import type { AwsMachine, ReattachTarget } from '../pipeline/compute-backend';
import type { ExecutorIdentity } from '../pipeline/executor-identity';
import type { FollowOffsets } from '../pipeline/follow-executor';

const FILE = 'attach.jsonl';
// An offsets line comes at most every 10 s (~150 bytes): a week of following is ~10 MiB.
const MAX_ATTACH_BYTES = 32 * 1024 * 1024;

/**
 * One line of `<app data>/runs/RUN/attach.jsonl`: what a later TrainDeck needs to reach the
 * run's executor again after this one was killed, written (and fsync'd) the moment it is known.
 * No secrets: the SSH key and the SSE-C key are paths to files that already exist.
 */
export type AttachEntry =
  /** At start: who runs it (pid) and where its data goes (the desktop's S3 view for the verification). */
  | {
      type: 'run';
      pid: number;
      /** The process's start time (`processStartTicks`): a later process given the same pid is not the owner. */
      ticks?: string;
      backend: ComputeBackendKind;
      name: string;
      aws: { region: string; profile?: string | undefined };
      storage: StorageConfig;
      baseDir: string;
      /** The run config's monitoring settings: a reattach watches the machine with them again. */
      monitoring?: MonitoringConfig;
    }
  /** A later TrainDeck took the run over (its pid now decides whether the run is orphaned). */
  | { type: 'owner'; pid: number; ticks?: string }
  /** Once connected (the host key is known): how to reach the machine and where the run lives on it. */
  | {
      type: 'machine';
      target: ReattachTarget;
      workDir: string;
      storage: ExecutorSpec['storage'];
      sendS3Credentials: boolean;
      /** Epoch ms after which the follow gives up (time-to-live + grace + push). */
      deadline: number;
      /** The EC2 instance (aws-ec2): what a reattach's monitor prices and watches. */
      aws?: AwsMachine;
    }
  /** The executor runs (detached: it trains and pushes without the desktop); a re-push runs only this Node and executor. */
  | ({ type: 'executor'; pid: number } & Partial<ExecutorIdentity>)
  /** How far the desktop read the executor's files. */
  | ({ type: 'offsets' } & FollowOffsets)
  /**
   * A spot relaunch was decided (the interruption seen, its push verified, nobody stopped the run),
   * written before the interrupted machine's teardown: until the next `machine` entry the run is
   * between two attempts, and a later TrainDeck goes on with the relaunch instead of following a
   * machine AWS took back (see resume-between.ts).
   */
  | { type: 'relaunch'; attempt: number; market: LaunchMarket; reason: string };

/** What the attach journal says, folded: the last of each kind wins (a `machine` clears the executor and offsets before it). */
export interface AttachState {
  run?: Extract<AttachEntry, { type: 'run' }>;
  owner?: number;
  /** The owner's start time, when it recorded one (`processStartTicks`). */
  ownerTicks?: string;
  machine?: Extract<AttachEntry, { type: 'machine' }>;
  executor?: Extract<AttachEntry, { type: 'executor' }>;
  offsets?: FollowOffsets;
  /** A relaunch decided after the last machine's interruption, whose machine entry never came (between attempts). */
  relaunch?: Extract<AttachEntry, { type: 'relaunch' }>;
  /**
   * Why the journal could not be read (a link, a FIFO, a folder, or too large; one sentence with a
   * fix): nothing else is known of the run, and nothing is done with it on the strength of this file.
   */
  unreadable?: { message: string; fix?: string };
}

/** Whether the owner recorded in a run's attach journal still runs (its pid and, where recorded, its start time). */
export type OwnerAlive = (pid: number, ticks?: string) => boolean;

/**
 * Whether the run's owner (the TrainDeck that started it, or the last one that took it over) still
 * runs: the same process, not whoever the kernel gave its pid to later (`sameProcessAlive`). An owner
 * journaled by a TrainDeck older than the start times (no `ticks`) is judged by its pid alone, as then.
 */
export function ownerAlive(attach: AttachState | undefined, isAlive: OwnerAlive = sameProcessAlive): boolean {
  return attach?.owner !== undefined && isAlive(attach.owner, attach.ownerTicks);
}

/**
 * Appends one line and fsyncs it before returning (a kill right after leaves it on disk); never
 * through a link or into a FIFO planted at its name (`appendRegularFileSync`).
 */
export function appendAttach(runDir: string, entry: AttachEntry): void {
  appendRegularFileSync(join(runDir, FILE), JSON.stringify({ ...entry, at: new Date().toISOString() }) + '\n', {
    fsync: true,
  });
}

/**
 * Reads and folds the attach journal; a torn last line (a kill mid-write) is ignored. Undefined when
 * there is none; `unreadable` when what is there is not a regular file of a sane size (never followed
 * through a link, never blocking on a FIFO: this runs on the main loop). Never throws.
 */
export function readAttach(runDir: string): AttachState | undefined {
  let text: string | undefined;
  try {
    text = readRegularFileSync(join(runDir, FILE), { what: 'an attach journal', maxBytes: MAX_ATTACH_BYTES });
  } catch (error) {
    return { unreadable: unreadableBecause(join(runDir, FILE), error) };
  }
  if (text === undefined) return undefined;
  const state: AttachState = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry: AttachEntry;
    try {
      entry = JSON.parse(line) as AttachEntry;
    } catch {
      break;
    }
    if (entry.type === 'run') {
      state.run = entry;
      setOwner(state, entry);
    } else if (entry.type === 'owner') setOwner(state, entry);
    else if (entry.type === 'machine') {
      // A new machine (a spot relaunch's next attempt): the last one's executor and read offsets
      // mean nothing there (its pid may be another process; its offsets run past the new files).
      state.machine = entry;
      delete state.executor;
      delete state.offsets;
      delete state.relaunch;
    } else if (entry.type === 'executor') state.executor = entry;
    else if (entry.type === 'offsets') state.offsets = { events: entry.events, train: entry.train, sync: entry.sync };
    else if (entry.type === 'relaunch') state.relaunch = entry;
  }
  return state;
}

function setOwner(state: AttachState, entry: { pid: number; ticks?: string }): void {
  state.owner = entry.pid;
  if (entry.ticks === undefined) delete state.ownerTicks;
  else state.ownerTicks = entry.ticks;
}

function unreadableBecause(path: string, error: unknown): NonNullable<AttachState['unreadable']> {
  if (error instanceof RefusedFileError) return { message: error.message, ...(error.fix ? { fix: error.fix } : {}) };
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return {
    message: `${path} could not be read (${code}).`,
    fix: 'Give your user read access to it (TrainDeck wrote it owner-only), then look for unfinished runs again.',
  };
}
