import { summarizeJournal } from '../../shared/domain/run-journal';
import { RUN_ID_PATTERN } from '../../shared/domain/tags';
import { TypedError } from '../../shared/ipc/result';
import { type CleanupOptions, type CleanupReport, confirmedDeleted, executeCleanup } from './cost/kill-all';
import { scanAccount } from './cost/scanner';
import { appendToJournal, closeRunJournal, listJournals, readJournal } from './journal/run-journal';

/** Options of {@link teardownRun}. */
export interface TeardownOptions extends CleanupOptions {
  dataDir: string;
}

/** The verified end of one run. */
export interface TeardownReport extends CleanupReport {
  runId: string;
  /** True when the rescan found nothing of the run and the journal was closed. */
  closed: boolean;
}

/**
 * Deletes everything tagged with the run's id (found by scanning, so resources the journal
 * never heard of are included), rescans, and closes the journal only when the rescan shows
 * nothing of the run left in any region it could read, the run's own region included.
 */
export async function teardownRun(runId: string, options: TeardownOptions): Promise<TeardownReport> {
  if (!RUN_ID_PATTERN.test(runId)) {
    throw new TypedError('INVALID_REQUEST', `"${runId}" is not a run id.`, {
      fix: 'Run ids look like "my-run-20250601-120000-ab12"; `traindeck scan` shows them.',
    });
  }
  const entries = await readJournal(options.dataDir, runId).catch(() => []);
  const summary = summarizeJournal(entries);
  const scan = await scanAccount({
    ports: options.ports,
    clock: options.clock,
    sleep: options.sleep,
    ...(options.regions ? { regions: options.regions } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const targets = scan.resources.filter((resource) => resource.runId === runId);
  if (!summary && targets.length === 0) {
    throw new TypedError('NOT_FOUND', `No journal and no resource tagged with run "${runId}".`, {
      fix: 'Check the id with `traindeck scan --all-regions`.',
    });
  }
  const now = () => options.clock.now();
  if (summary) {
    await appendToJournal(options.dataDir, runId, now, [
      { type: 'cleanup', reason: `teardown of ${targets.length} resource(s)` },
    ]);
  }

  const report = await executeCleanup(targets, (resource) => resource.runId === runId, options);
  const runRegionVerified =
    !summary || report.rescan.regions.some((region) => region.region === summary.region && region.status === 'ok');
  const closed = report.survivors.length === 0 && runRegionVerified;
  if (summary) {
    const entries = [
      ...confirmedDeleted(report).map((o) => ({ type: 'deleted' as const, kind: o.resource.kind, id: o.resource.id })),
      ...report.survivors.map((s) => ({
        type: 'survivor' as const,
        kind: s.resource.kind,
        id: s.resource.id,
        reason: s.reason,
      })),
    ];
    if (closed) {
      await closeRunJournal(options.dataDir, runId, now, targets.length > 0 ? 'torn-down' : 'nothing-left', entries);
    } else await appendToJournal(options.dataDir, runId, now, entries);
  }
  return { ...report, runId, closed };
}

/**
 * After a kill-all: closes the journal of every run the cleanup left nothing of (its region
 * verified by the rescan, no survivor of it), with the deletions that justify it; the run's
 * key goes with it. Runs with survivors, or in unread regions, stay open for `traindeck teardown`.
 * Returns the run ids closed.
 */
export async function closeCleanedRuns(dataDir: string, report: CleanupReport, now: () => number): Promise<string[]> {
  const touched = new Set(report.outcomes.map((o) => o.resource.runId).filter((id): id is string => Boolean(id)));
  const surviving = new Set(report.survivors.map((s) => s.resource.runId));
  const closed: string[] = [];
  for (const summary of await listJournals(dataDir)) {
    if (summary.closed || !touched.has(summary.runId) || surviving.has(summary.runId)) continue;
    const verified = report.rescan.regions.some((r) => r.region === summary.region && r.status === 'ok');
    if (!verified) continue;
    const deleted = confirmedDeleted(report)
      .filter((o) => o.resource.runId === summary.runId)
      .map((o) => ({ type: 'deleted' as const, kind: o.resource.kind, id: o.resource.id }));
    await closeRunJournal(dataDir, summary.runId, now, 'torn-down', [
      { type: 'cleanup', reason: 'kill-all' },
      ...deleted,
    ]);
    closed.push(summary.runId);
  }
  return closed;
}
