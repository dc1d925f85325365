/**
 * A training run as the UI sees it: phases with start/end and a reason on failure, streamed as
 * {@link RunEvent}s with a growing `seq`. A renderer that connects late loads a
 * {@link RunSnapshot} and applies only the events whose seq is newer ({@link applyRunEvent}).
 */
import type { RunAttempt } from '../report/run-attempts';
import type { RunCost } from './run-cost';
import { applySyncReport, type RunSyncReport, type RunSyncState } from './run-sync';

/** The run's phases, in order. */
export const RUN_PHASES = [
  'preflight',
  'provisioning',
  'connecting',
  'bootstrapping',
  'checkout',
  'pulling',
  'verifying',
  'training',
  'pushing',
  'verifying-sync',
  'tearing-down',
] as const;
/** One of {@link RUN_PHASES}. */
export type RunPhase = (typeof RUN_PHASES)[number];

/** Where the executor runs. */
export const COMPUTE_BACKENDS = ['aws-ec2', 'ssh-host', 'local'] as const;
/** One of {@link COMPUTE_BACKENDS}. */
export type ComputeBackendKind = (typeof COMPUTE_BACKENDS)[number];

/** A phase's state. */
export type PhaseStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** A phase in a snapshot. */
export interface PhaseState {
  status: PhaseStatus;
  startedAt?: string;
  endedAt?: string;
  /** Why it failed (one line) and what to do. */
  reason?: string;
  fix?: string;
  detail?: Record<string, unknown>;
}

/** How a run ended. */
export type RunOutcome = 'succeeded' | 'failed' | 'cancelled';

interface RunEventBase {
  runId: string;
  seq: number;
  /** ISO time in main. */
  at: string;
}

/** One event of a run; the last is `finished`. */
export type RunEvent = RunEventBase &
  (
    | { type: 'started'; name: string; backend: ComputeBackendKind; host?: string }
    | {
        type: 'phase';
        phase: RunPhase;
        status: Exclude<PhaseStatus, 'pending'>;
        reason?: string;
        fix?: string;
        detail?: Record<string, unknown>;
      }
    /** A line of the training log (`train`) or a note from the pipeline (`info`). */
    | { type: 'log'; source: 'train' | 'info'; line: string }
    | { type: 'host-key'; fingerprint: string; firstSight: boolean }
    | { type: 'finished'; outcome: RunOutcome; reason?: string; exitCode?: number | null }
    /** The itemized cost, computed by main just before `finished` (journaled, so history keeps it). */
    | ({ type: 'cost' } & RunCost)
    /** Per-folder figures of the pull or push, or a folder's verification result. */
    | RunSyncReport
    /**
     * Every launch of the run's instance so far, the whole list each time (a spot relaunch adds
     * one, an interruption ends one): it replaces the snapshot's `attempts`.
     */
    | { type: 'attempts'; attempts: RunAttempt[] }
  );

/** The state of a run folded from its events. */
export interface RunSnapshot {
  runId: string;
  name: string;
  backend: ComputeBackendKind;
  host?: string;
  state: 'running' | RunOutcome;
  phases: Record<RunPhase, PhaseState>;
  /** The seq of the last event folded in. */
  lastSeq: number;
  startedAt: string;
  endedAt?: string;
  reason?: string;
  exitCode?: number | null;
  hostKeyFingerprint?: string;
  /** The newest log lines (bounded). */
  logTail: string[];
  /** What the run cost, itemized (absent until the run's end, and for runs recorded before costs were). */
  cost?: RunCost;
  /** Per-folder sync figures and verification, per direction (absent until the pull reports). */
  sync?: RunSyncState;
  /** Each launch of the run's instance, in launch order (absent until the engine reports one). */
  attempts?: RunAttempt[];
}

/** Lines of log kept in a snapshot. */
const SNAPSHOT_LOG_LINES = 200;

/** An empty snapshot for a run that has just been created. */
export function emptyRunSnapshot(runId: string, name: string, backend: ComputeBackendKind, at: string): RunSnapshot {
  const phases = Object.fromEntries(RUN_PHASES.map((phase) => [phase, { status: 'pending' }])) as Record<
    RunPhase,
    PhaseState
  >;
  return { runId, name, backend, state: 'running', phases, lastSeq: 0, startedAt: at, logTail: [] };
}

/** Folds one event into a snapshot (pure; events at or below `lastSeq` are ignored). */
export function applyRunEvent(snapshot: RunSnapshot, event: RunEvent): RunSnapshot {
  if (event.seq <= snapshot.lastSeq || event.runId !== snapshot.runId) return snapshot;
  const next: RunSnapshot = { ...snapshot, lastSeq: event.seq };
  switch (event.type) {
    case 'started':
      return { ...next, name: event.name, backend: event.backend, ...(event.host ? { host: event.host } : {}) };
    case 'phase': {
      const before = snapshot.phases[event.phase];
      const state: PhaseState =
        event.status === 'running'
          ? // A running phase may report progress (detail) again: it keeps its start.
            {
              status: 'running',
              startedAt: before.status === 'running' && before.startedAt ? before.startedAt : event.at,
              ...(event.detail ? { detail: event.detail } : {}),
            }
          : {
              ...before,
              status: event.status,
              endedAt: event.at,
              ...(event.reason ? { reason: event.reason } : {}),
              ...(event.fix ? { fix: event.fix } : {}),
              ...(event.detail ? { detail: event.detail } : {}),
            };
      return { ...next, phases: { ...snapshot.phases, [event.phase]: state } };
    }
    case 'log':
      return { ...next, logTail: [...snapshot.logTail, event.line].slice(-SNAPSHOT_LOG_LINES) };
    case 'host-key':
      return { ...next, hostKeyFingerprint: event.fingerprint };
    case 'sync':
    case 'sync-verified':
      return { ...next, sync: applySyncReport(snapshot.sync, event) };
    case 'attempts':
      return { ...next, attempts: event.attempts };
    case 'cost': {
      const { runId: _runId, seq: _seq, at: _at, type: _type, ...cost } = event;
      return { ...next, cost };
    }
    case 'finished':
      return {
        ...next,
        state: event.outcome,
        endedAt: event.at,
        ...(event.reason ? { reason: event.reason } : {}),
        ...(event.exitCode !== undefined ? { exitCode: event.exitCode } : {}),
      };
  }
}
