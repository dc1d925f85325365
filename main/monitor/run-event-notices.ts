import type { RunEvent } from '../../shared/domain/run';
import type { MonitorNotice } from '../../shared/monitor/notices';

function num(detail: Record<string, unknown> | undefined, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = detail?.[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

/**
 * The notice a pipeline {@link RunEvent} deserves, if any: the end of training (exit code and
 * duration from the phase's detail or start), a verified sync, a finished teardown, a failed run,
 * a relaunch (the `attempts` event whose newest attempt, 2 or later, is running).
 * Read leniently: the detail fields are the pipeline's and may grow.
 */
export function noticeFromRunEvent(event: RunEvent, runStartedAt?: number): MonitorNotice | undefined {
  if (event.type === 'attempts') return relaunchNotice(event);
  if (event.type === 'finished') {
    if (event.outcome !== 'failed') return undefined;
    return { kind: 'run-failed', runId: event.runId, ...(event.reason ? { reason: event.reason } : {}) };
  }
  if (event.type !== 'phase' || event.status === 'running' || event.status === 'skipped') return undefined;
  const { runId, detail } = event;
  if (event.phase === 'training') {
    const exit = detail?.exitCode;
    const exitCode = typeof exit === 'number' ? exit : event.status === 'succeeded' ? 0 : null;
    const durationMs =
      num(detail, 'durationMs') ?? (runStartedAt !== undefined ? Date.parse(event.at) - runStartedAt : undefined);
    return {
      kind: 'training-finished',
      runId,
      exitCode,
      ...(durationMs !== undefined && Number.isFinite(durationMs) ? { durationMs } : {}),
      ...(detail?.cancelled === true ? { cancelled: true } : {}),
    };
  }
  if (event.phase === 'verifying-sync') {
    if (event.status === 'failed') {
      return { kind: 'sync-failed', runId, reason: event.reason ?? 'S3 does not match the final manifest.' };
    }
    const files = num(detail, 'files', 'fileCount');
    return { kind: 'sync-verified', runId, ...(files !== undefined ? { files } : {}) };
  }
  if (event.phase === 'tearing-down') {
    const remaining = num(detail, 'remainingHourlyUsd');
    // ssh-host and local runs tear nothing down (no remainingHourlyUsd): no "$0/h" claim for them.
    if (event.status === 'succeeded' && remaining === undefined) return undefined;
    const survivors = Array.isArray(detail?.survivors) ? detail.survivors.map(String) : undefined;
    return {
      kind: 'teardown-complete',
      runId,
      remainingHourlyUsd: event.status === 'failed' ? (remaining ?? null) : (remaining ?? 0),
      ...(survivors ? { survivors } : {}),
      ...(event.status === 'failed' && event.reason ? { reason: event.reason } : {}),
    };
  }
  return undefined;
}

// The relaunch engine emits the whole list of attempts whenever one starts or ends: a newest
// attempt after the first that is still running is a relaunch (said once per attempt by the notifier).
function relaunchNotice(event: Extract<RunEvent, { type: 'attempts' }>): MonitorNotice | undefined {
  const newest = event.attempts.reduce<(typeof event.attempts)[number] | undefined>(
    (a, b) => (a && a.attempt >= b.attempt ? a : b),
    undefined,
  );
  if (!newest || newest.attempt < 2 || newest.end !== undefined) return undefined;
  return {
    kind: 'relaunched',
    runId: event.runId,
    attempt: newest.attempt,
    zone: newest.zone,
    instanceType: newest.instanceType,
    market: newest.market,
  };
}
