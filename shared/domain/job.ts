import type { AppError } from '../ipc/result';

/**
 * Long work (a sync, a provisioning, a scan) returns a job id at once and then reports
 * through these events. `seq` grows by one per job so that a renderer that loaded a
 * snapshot can drop the events it already reflects.
 */
interface JobEventBase {
  jobId: string;
  seq: number;
  /** ISO time the event was raised in main. */
  at: string;
}

/** Progress of a job in its own unit (files, bytes, regions…). */
export interface JobProgress {
  done: number;
  total?: number;
  unit: string;
  /** Units per second, when measurable. */
  rate?: number;
  etaSeconds?: number;
}

/** One event of a job's life; the last one is `succeeded`, `failed` or `cancelled`. */
export type JobEvent = JobEventBase &
  (
    | { type: 'started'; kind: string; title: string }
    | { type: 'step'; step: string; detail?: string }
    | { type: 'progress'; progress: JobProgress }
    | { type: 'log'; stream: 'stdout' | 'stderr' | 'info'; line: string }
    | { type: 'succeeded'; result?: unknown }
    | { type: 'failed'; error: AppError }
    | { type: 'cancelled'; reason: string }
  );

/** A job's lifecycle state derived from its events. */
export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** The current picture of a job: what a renderer loads before applying newer events. */
export interface JobSnapshot {
  jobId: string;
  kind: string;
  title: string;
  state: JobState;
  /** The seq of the last event folded into this snapshot. */
  lastSeq: number;
  startedAt: string;
  endedAt?: string;
  step?: string;
  progress?: JobProgress;
  error?: AppError;
  result?: unknown;
}

/**
 * Folds one event into a snapshot. Pure, so main and renderer apply events the same way;
 * an event at or below `lastSeq` is ignored, which makes replays harmless.
 */
export function applyJobEvent(snapshot: JobSnapshot | undefined, event: JobEvent): JobSnapshot | undefined {
  if (event.type === 'started') {
    if (snapshot) return snapshot;
    return {
      jobId: event.jobId,
      kind: event.kind,
      title: event.title,
      state: 'running',
      lastSeq: event.seq,
      startedAt: event.at,
    };
  }
  if (!snapshot || event.seq <= snapshot.lastSeq) return snapshot;
  const next: JobSnapshot = { ...snapshot, lastSeq: event.seq };
  switch (event.type) {
    case 'step':
      next.step = event.step;
      break;
    case 'progress':
      next.progress = event.progress;
      break;
    case 'log':
      break;
    case 'succeeded':
      next.state = 'succeeded';
      next.endedAt = event.at;
      next.result = event.result;
      break;
    case 'failed':
      next.state = 'failed';
      next.endedAt = event.at;
      next.error = event.error;
      break;
    case 'cancelled':
      next.state = 'cancelled';
      next.endedAt = event.at;
      break;
  }
  return next;
}
