import { summarizeJournal } from '../../shared/domain/run-journal';
import { RUN_ID_PATTERN } from '../../shared/domain/tags';
import { TypedError } from '../../shared/ipc/result';
import { executeCleanup, type CleanupOptions, type CleanupReport } from './cost/kill-all';
import { scanAccount } from './cost/scanner';
import { appendToJournal, readJournal } from './journal/run-journal';

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
  if (!RUN_ID_PATTERN.test(runId))
    throw new TypedError('INVALID_REQUEST', `"${runId}" is not a run id.`, {
      fix: 'Run ids look like "my-run-20250601-120000-ab12"; `traindeck scan` shows them.',
    });
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
  if (!summary && targets.length === 0)
    throw new TypedError('NOT_FOUND', `No journal and no resource tagged with run "${runId}".`, {
      fix: 'Check the id with `traindeck scan --all-regions`.',
    });
  const now = () => options.clock.now();
  if (summary)
    await appendToJournal(options.dataDir, runId, now, [
      { type: 'cleanup', reason: `teardown of ${targets.length} resource(s)` },
    ]);

  const report = await executeCleanup(targets, (resource) => resource.runId === runId, options);
  const runRegionVerified =
    !summary || report.rescan.regions.some((region) => region.region === summary.region && region.status === 'ok');
  const closed = report.survivors.length === 0 && runRegionVerified;
  if (summary) {
    await appendToJournal(options.dataDir, runId, now, [
      ...report.outcomes
        .filter((o) => o.outcome === 'deleted')
        .map((o) => ({ type: 'deleted' as const, kind: o.resource.kind, id: o.resource.id })),
      ...report.survivors.map((s) => ({
        type: 'survivor' as const,
        kind: s.resource.kind,
        id: s.resource.id,
        reason: s.reason,
      })),
      ...(closed
        ? [
            {
              type: 'closed' as const,
              outcome: targets.length > 0 ? ('torn-down' as const) : ('nothing-left' as const),
            },
          ]
        : []),
    ]);
  }
  return { ...report, runId, closed };
}
