import {
  applyRunEvent,
  type ComputeBackendKind,
  emptyRunSnapshot,
  RUN_PHASES,
  type RunEvent,
  type RunPhase,
  type RunSnapshot,
} from '../../domain/run';

/** Options of {@link finishedRunEvents}. */
export interface FinishedRunOptions {
  runId: string;
  name: string;
  backend: ComputeBackendKind;
  /** Epoch ms of the start. */
  start: number;
  /** Minutes each phase took (default 1; training defaults to 180). */
  minutes?: Partial<Record<RunPhase, number>>;
  outcome?: 'succeeded' | 'failed' | 'cancelled';
  exitCode?: number | null;
  /** Bytes pulled and pushed, as the executor reports them in phase details. */
  pulledBytes?: number;
  pushedBytes?: number;
}

/**
 * The events of a whole run, every phase succeeded, with the figures the executor puts in
 * phase details: for report and cost tests, and the end-to-end seed of a finished run.
 */
export function finishedRunEvents(options: FinishedRunOptions): RunEvent[] {
  const { runId, backend } = options;
  let seq = 0;
  let t = options.start;
  const iso = () => new Date(t).toISOString();
  const events: RunEvent[] = [{ runId, seq: ++seq, at: iso(), type: 'started', name: options.name, backend }];
  const details: Partial<Record<RunPhase, Record<string, unknown>>> = {
    pulling: { needBytes: options.pulledBytes ?? 5e9, freeBytes: 9e10, files: 12, bytes: options.pulledBytes ?? 5e9 },
    verifying: { files: 12, bytes: options.pulledBytes ?? 5e9, parquetFiles: 10 },
    pushing: { files: 40, uploaded: 31, bytes: options.pushedBytes ?? 1.5e9, failures: 0 },
    'verifying-sync': { checked: 40, files: 40, rePushes: 0 },
    'tearing-down': { deleted: 4, remainingHourlyUsd: 0 },
  };
  for (const phase of RUN_PHASES) {
    events.push({ runId, seq: ++seq, at: iso(), type: 'phase', phase, status: 'running' });
    t += (options.minutes?.[phase] ?? (phase === 'training' ? 180 : 1)) * 60_000;
    const detail = details[phase];
    events.push({
      runId,
      seq: ++seq,
      at: iso(),
      type: 'phase',
      phase,
      status: 'succeeded',
      ...(detail ? { detail } : {}),
    });
  }
  events.push({
    runId,
    seq: seq + 1,
    at: iso(),
    type: 'finished',
    outcome: options.outcome ?? 'succeeded',
    exitCode: options.exitCode === undefined ? 0 : options.exitCode,
  });
  return events;
}

/** The snapshot folded from {@link finishedRunEvents}. */
export function finishedRun(options: FinishedRunOptions): RunSnapshot {
  const events = finishedRunEvents(options);
  return events.reduce(
    applyRunEvent,
    emptyRunSnapshot(options.runId, options.name, options.backend, new Date(options.start).toISOString()),
  );
}
