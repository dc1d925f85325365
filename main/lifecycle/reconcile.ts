import type { CostResource } from '../../shared/domain/cost';
import type { JournalSummary } from '../../shared/domain/run-journal';
import type { AwsPorts } from '../aws/ports/aws-ports';
import type { Clock } from '../core/clock';
import { sameProcessAlive } from '../core/process-identity';
import type { Sleep } from '../core/sleep';
import { scanAccount } from './cost/scanner';
import { closeRunJournal, listJournals } from './journal/run-journal';

const QUIET_MS = 5 * 60_000;

/** An unfinished run found at start-up, and what to do about it. */
export interface UnfinishedRun {
  runId: string;
  region: string;
  openedAt: string;
  /** What the tags find in AWS now. */
  resources: CostResource[];
  /** `resume` when the instance is up and was ready; `cleanup` otherwise; `closed` when nothing was left. */
  advice: 'resume' | 'cleanup' | 'closed';
  lastFailure?: string;
}

/** Options of {@link reconcileOpenRuns}. */
export interface ReconcileOptions {
  dataDir: string;
  ports: Pick<AwsPorts, 'ec2' | 'regions'>;
  clock: Clock;
  sleep: Sleep;
  signal?: AbortSignal;
  /**
   * True when the TrainDeck that launched the run still runs (then its run is not ours to judge): its
   * pid and, when journaled, its start time (a journal without one is judged by the pid alone, as then).
   */
  isAlive?(pid: number, ticks?: string): boolean;
}

/**
 * Finds runs whose journal was never closed and whose process is gone (a crash, a killed
 * app), looks for their resources by tag in their region, and reports each: resume, clean up,
 * or (when nothing of it exists any more) closes the journal as "nothing-left".
 */
export async function reconcileOpenRuns(options: ReconcileOptions): Promise<UnfinishedRun[]> {
  const alive = options.isAlive ?? sameProcessAlive;
  const open = (await listJournals(options.dataDir)).filter(
    (summary) => !summary.closed && !(summary.pid !== undefined && alive(summary.pid, summary.pidTicks)),
  );
  if (open.length === 0) return [];
  const regions = [...new Set(open.map((summary) => summary.region))];
  const scan = await scanAccount({
    ports: options.ports,
    regions,
    clock: options.clock,
    sleep: options.sleep,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const unfinished: UnfinishedRun[] = [];
  for (const summary of open) {
    const regionOk = scan.regions.some((region) => region.region === summary.region && region.status === 'ok');
    if (!regionOk) continue;
    const resources = scan.resources.filter((resource) => resource.runId === summary.runId);
    // EC2 lists new instances with a delay: only a journal quiet for a while may be closed as empty.
    const quiet = options.clock.now() - Date.parse(summary.lastAt) > QUIET_MS;
    const advice = resources.length === 0 && !quiet ? 'cleanup' : adviceFor(summary, resources);
    if (advice === 'closed') {
      await closeRunJournal(
        options.dataDir,
        summary.runId,
        () => options.clock.now(),
        summary.created.length > 0 ? 'nothing-left' : 'nothing-created',
      );
    }
    unfinished.push({
      runId: summary.runId,
      region: summary.region,
      openedAt: summary.openedAt,
      resources,
      advice,
      ...(summary.lastFailure ? { lastFailure: summary.lastFailure } : {}),
    });
  }
  return unfinished;
}

function adviceFor(summary: JournalSummary, resources: CostResource[]): UnfinishedRun['advice'] {
  if (resources.length === 0) return 'closed';
  const instance = resources.find(
    (resource) => resource.kind === 'instance' && resource.id === summary.ready?.instanceId,
  );
  return instance?.state === 'running' ? 'resume' : 'cleanup';
}
