import { type CostResource, isBillable, type ScanResult } from '../../shared/domain/cost';
import type { DeletionEvent, KillAllResult } from '../../shared/domain/kill-all';
import { TypedError } from '../../shared/ipc/result';
import { formatDurationMs } from '../../shared/monitor/notices';
import { countOf } from '../../shared/text/plural';
import { credentialsError } from '../aws/aws-errors';
import { raceAbort } from '../core/abort';
import type { EventBus } from '../core/event-bus';
import type { JobContext, JobRunner } from '../core/jobs';
import type { NotificationService } from '../core/notifications';
import { DELETION_ORDER } from '../lifecycle/cost/delete-resources';
import { type CleanupReport, executeCleanup, RUNS_END_LIMIT_MS, runsToStopFirst } from '../lifecycle/cost/kill-all';
import { scanAccount } from '../lifecycle/cost/scanner';
import { homeTarget, type LifecycleDeps } from '../lifecycle/lifecycle-deps';
import { priceSourceOf } from '../lifecycle/pricing/price-source';
import { teardownRun } from '../lifecycle/teardown';
import { type StoppedRuns, type StopRuns, waitRunsEnded } from '../runs/stop-request';
import { KillPhrases } from '../trust/kill-phrase';

/** A kill-all request as the handler validated it. */
export interface KillAllRequest {
  resourceIds: string[];
  includeUntracked: boolean;
  confirmation?: string | undefined;
  /** Which button asked: a row's Delete ('rows') stops only the runs it deletes what they need of; see {@link CostsService.killAll}. */
  scope?: 'kill-all' | 'rows';
}

const SCAN_LIMIT_MS = 3 * 60_000;
const KILL_LIMIT_MS = 30 * 60_000;

/**
 * The cost panel's backend: an all-region scan (the last one is kept), and kill-all of exactly
 * the resources the user confirmed from that scan, as a job with per-resource events, ending
 * in a verifying rescan.
 */
export class CostsService {
  private lastScan: ScanResult | undefined;
  private runningKill: string | undefined;
  /** The phrase that allows deleting untracked resources, shown to the user only through the trust gate. */
  private readonly phrases = new KillPhrases();

  constructor(
    private readonly deps: LifecycleDeps,
    private readonly jobs: JobRunner,
    private readonly bus: EventBus,
    private readonly notifications: NotificationService,
    /** Sees every finished scan (the monitor notifies untracked billable resources). */
    private readonly onScanned: (resources: readonly CostResource[]) => void = () => {},
    /**
     * Stops this app's live runs among `runIds` (says which, and when they have ended). Called
     * before a kill-all deletes anything: a run whose resources are being killed must not carry
     * on, e.g. a spot relaunch launching its next instance after the scan.
     */
    private readonly stopRuns: StopRuns = () => ({
      runIds: [],
      ended: Promise.resolve(),
    }),
    private readonly runsEndLimitMs = RUNS_END_LIMIT_MS,
  ) {}

  async scan(): Promise<ScanResult> {
    const target = await homeTarget(this.deps.env);
    const scan = await scanAccount({
      ports: this.deps.ports(target),
      clock: this.deps.clock,
      sleep: this.deps.sleep,
      signal: AbortSignal.timeout(SCAN_LIMIT_MS),
      prices: (region) => priceSourceOf(this.deps).forRegion({ ...target, region }),
      onProgress: (progress) => this.bus.emit('costs.scanProgress', progress),
    }).catch((error: unknown) => {
      throw credentialsError(error, target.profile) ?? error;
    });
    if (!scan.regions.some((region) => region.status === 'ok')) {
      const why = scan.regions.map((r) => `${r.region}: ${r.reason ?? r.status}`).join('; ');
      throw new TypedError('UNAVAILABLE', `No region could be read (${why}).`, {
        fix: 'Check the AWS profile and credentials in Settings, and the network.',
      });
    }
    this.lastScan = scan;
    this.onScanned(scan.resources);
    return scan;
  }

  /**
   * A new phrase for deleting the untracked resources among `resourceIds` (of the last scan): the
   * caller shows it where the page cannot read it. Throws when none of them is untracked.
   */
  untrackedPhrase(resourceIds: readonly string[]): { phrase: string; count: number } {
    const ids = this.untrackedAmong(this.scanOrFail(), resourceIds);
    if (!ids.length) {
      throw new TypedError('INVALID_REQUEST', 'None of these resources is untracked: no phrase is needed.', {
        fix: 'Delete them without including untracked resources.',
      });
    }
    return { phrase: this.phrases.issue(ids), count: ids.length };
  }

  private scanOrFail(): ScanResult {
    if (!this.lastScan) {
      throw new TypedError('PRECONDITION_FAILED', 'There is no scan to delete from.', {
        fix: 'Scan all regions first.',
      });
    }
    return this.lastScan;
  }

  private untrackedAmong(scan: ScanResult, resourceIds: readonly string[]): string[] {
    const untracked = new Set(scan.resources.filter((resource) => !resource.ours).map((resource) => resource.id));
    return [...new Set(resourceIds)].filter((id) => untracked.has(id));
  }

  killAll(request: KillAllRequest): { jobId: string } {
    const scan = this.scanOrFail();
    if (this.runningKill) {
      throw new TypedError('CONFLICT', 'A kill-all is already running.', {
        fix: 'Wait for it to finish; its progress is on the Costs page.',
      });
    }
    const byId = new Map(scan.resources.map((resource) => [resource.id, resource]));
    const missing = request.resourceIds.filter((id) => !byId.has(id));
    if (missing.length) {
      throw new TypedError('CONFLICT', `${missing.length} resource(s) are not in the last scan.`, {
        fix: 'Rescan, then confirm again.',
      });
    }
    const targets = [...new Set(request.resourceIds)]
      .map((id) => byId.get(id)!)
      .sort(
        (a, b) => DELETION_ORDER.indexOf(a.kind) - DELETION_ORDER.indexOf(b.kind) || a.region.localeCompare(b.region),
      );
    const untracked = targets.filter((resource) => !resource.ours).length;
    if (untracked && !request.includeUntracked) {
      throw new TypedError('INVALID_REQUEST', `${untracked} of these resources were not made by TrainDeck.`, {
        fix: 'Include untracked resources explicitly, or leave them out.',
      });
    }
    // Re-checked here, whatever the page says: the phrase was shown only outside the page.
    if (untracked && !this.phrases.consume(request.confirmation, this.untrackedAmong(scan, request.resourceIds))) {
      throw new TypedError(
        'PRECONDITION_FAILED',
        `Deleting ${untracked} untracked resource(s) needs the phrase TrainDeck showed outside the window.`,
        { fix: 'Ask for the phrase again (each phrase works once), then type it exactly as shown.' },
      );
    }
    const { jobId, done } = this.jobs.start(
      { kind: 'costs.kill-all', title: 'Kill all cost resources', timeoutMs: KILL_LIMIT_MS },
      async (context) => {
        let finished = 0;
        context.progress({ done: 0, total: targets.length, unit: 'resources' });
        const runIds = runsToStopFirst(targets);
        // "Kill all" (every resource of ours in the scan) stops every live EC2 run, also one with nothing in the
        // scan: a spot relaunch between its teardown and its next launch, which would launch after this. A row's
        // Delete never does, even when its row is all the scan has of ours (or the scan has nothing of ours).
        const everyLiveRun =
          request.scope !== 'rows' &&
          scan.resources.every((resource) => !resource.ours || request.resourceIds.includes(resource.id));
        // Their own teardowns go first: a relaunch that launched after the scan is theirs to delete (a kill-all
        // racing them finds its security group still in use by that instance).
        const tornDownBy = await this.untilEnded(this.stopFirst(runIds, everyLiveRun, context), context);
        context.step(
          'Deleting',
          `${targets.length} resource(s) in ${new Set(targets.map((t) => t.region)).size} region(s)`,
        );
        const ports = this.deps.ports(await homeTarget(this.deps.env));
        const report = await executeCleanup(targets, (resource) => resource.ours || request.includeUntracked, {
          ports,
          clock: this.deps.clock,
          sleep: this.deps.sleep,
          signal: context.signal,
          // Each deletion is logged once, by whoever made it: what a stopped run's teardown deleted is its.
          tornDownBy,
          onProgress: (event) => {
            const reason = this.forwardDeletion(jobId, event);
            if (event.outcome === 'deleting') return;
            finished += 1;
            context.log(
              `${event.outcome === 'gone' ? 'already gone:' : event.outcome} ${event.resource.kind} ${event.resource.id} (${event.resource.region})${reason ? `: ${reason}` : ''}`,
            );
            context.progress({ done: finished, total: targets.length, unit: 'resources' });
            if (finished === targets.length) context.step('Verifying', 'rescanning every region');
          },
        });
        this.lastScan = report.rescan;
        return toResult(report);
      },
    );
    this.runningKill = jobId;
    void done.then((snapshot) => {
      this.runningKill = undefined;
      this.announce(snapshot.state, snapshot.result as KillAllResult | undefined);
    });
    return { jobId };
  }

  // A stop that fails must not keep the kill-all from deleting: the user asked for the meter to stop.
  private stopFirst(runIds: readonly string[], everyLiveRun: boolean, context: JobContext): StoppedRuns | undefined {
    try {
      const stopped = this.stopRuns(runIds, { everyLiveRun, signal: context.signal });
      if (stopped.runIds.length) {
        context.log(`stopped ${countOf(stopped.runIds.length, 'live run')} first: ${stopped.runIds.join(', ')}`);
      }
      return stopped;
    } catch (error) {
      context.log(
        `could not stop ${runIds.join(', ')} first (${error instanceof Error ? error.message : String(error)}); their resources are deleted anyway. Stop each run on its page, or a spot run may launch again.`,
      );
      return undefined;
    }
  }

  // Bounded: a run whose stop hangs holds the kill-all at most this long; its resources are deleted all the same.
  // Returns the runs waited for: their own teardowns may have deleted some targets meanwhile.
  private async untilEnded(stopped: StoppedRuns | undefined, context: JobContext): Promise<string[]> {
    const asked = await stopped?.asked?.catch(() => undefined);
    if (asked?.heard.length) {
      context.log(
        `stopped ${countOf(asked.heard.length, 'live run')} of another TrainDeck first: ${asked.heard.join(', ')}`,
      );
    }
    for (const { runId, pid, why } of asked?.unheard ?? []) {
      context.log(
        `${runId} is run by another TrainDeck (pid ${pid}), which ${why ? `was not asked (${why})` : 'did not take the stop request'}; its resources are deleted anyway. Stop the run there, or a spot run may launch again.`,
      );
    }
    if (asked?.ended?.length) context.log(`${asked.ended.join(', ')} ended on its own while asked to stop`);
    // Another TrainDeck's run that took the request ends by its own teardown too: its events say when.
    if (stopped?.stopping?.length) context.log(`waiting for ${stopped.stopping.join(', ')}, already stopping, to end`);
    const waiting = [...(stopped?.runIds ?? []), ...(stopped?.stopping ?? []), ...(asked?.heard ?? [])];
    if (!stopped || !waiting.length) return [];
    context.step('Waiting', `for ${countOf(waiting.length, 'stopped run')} to end`);
    const limit = AbortSignal.any([context.signal, AbortSignal.timeout(this.runsEndLimitMs)]);
    const othersEnded = asked?.heard.length
      ? waitRunsEnded(this.deps.dataDir, asked.heard, limit).then((ownerGone) => {
          if (ownerGone.length) {
            context.log(
              `the TrainDeck running ${ownerGone.join(', ')} exited before the run ended, so nobody will end it: deleting its resources without waiting`,
            );
          }
        })
      : undefined;
    const ended = await raceAbort(Promise.all([stopped.ended, othersEnded]), limit).then(
      () => true,
      () => false,
    );
    if (!ended && !context.signal.aborted) {
      context.log(
        `${waiting.join(', ')} had not ended ${formatDurationMs(this.runsEndLimitMs)} after the stop; deleting its resources anyway. If it is still shown as running, stop it on its run page, then scan again.`,
      );
    }
    return waiting;
  }

  /** Tells the window how one resource's deletion went (`costs.deletion`); returns the failure reason, if any. */
  private forwardDeletion(
    jobId: string,
    event: { resource: { id: string; region: string }; outcome: DeletionEvent['state']; reason?: string },
  ): string | undefined {
    const reason = 'reason' in event ? event.reason : undefined;
    this.bus.emit('costs.deletion', {
      jobId,
      resourceId: event.resource.id,
      region: event.resource.region,
      state: event.outcome,
      ...(reason ? { reason } : {}),
    });
    return reason;
  }

  /** Deletes what is tagged with `runId` (found by a fresh scan), verified by a rescan; a job. */
  teardownRun(runId: string): { jobId: string } {
    const { jobId } = this.jobs.start(
      { kind: 'costs.teardown', title: `Tear down ${runId}`, timeoutMs: KILL_LIMIT_MS },
      async (context) => {
        context.step('Scanning', 'finding everything tagged with the run');
        const ports = this.deps.ports(await homeTarget(this.deps.env));
        const report = await teardownRun(runId, {
          ports,
          dataDir: this.deps.dataDir,
          clock: this.deps.clock,
          sleep: this.deps.sleep,
          signal: context.signal,
          onProgress: (event) => {
            const reason = this.forwardDeletion(jobId, event);
            if (event.outcome === 'deleting') context.step('Deleting', `${event.resource.kind} ${event.resource.id}`);
            else {
              context.log(`${event.outcome} ${event.resource.kind} ${event.resource.id}${reason ? `: ${reason}` : ''}`);
            }
          },
        });
        this.lastScan = report.rescan;
        const result = toResult(report);
        this.announceTeardown(runId, result);
        return result;
      },
    );
    return { jobId };
  }

  // "Tear down run" from the Costs page says how it ended, as a kill-all does.
  private announceTeardown(runId: string, result: KillAllResult): void {
    if (result.survivors.length > 0) {
      this.notifications.notify(
        'error',
        'Teardown left resources',
        `Run ${runId}: ${countOf(result.survivors.length, 'resource')} remain, $${result.remainingHourlyUsd.toFixed(2)}/h. See the Costs page for why.`,
      );
      return;
    }
    this.notifications.notify(
      'success',
      'Run torn down',
      `Run ${runId}: ${countOf(result.deleted, 'resource')} deleted, verified by a rescan.`,
    );
  }

  private announce(state: string, result: KillAllResult | undefined): void {
    if (state !== 'succeeded' || !result) return;
    if (result.survivors.length > 0) {
      this.notifications.notify(
        'error',
        'Kill-all left resources behind',
        `${countOf(result.survivors.length, 'resource')} remain, $${result.remainingHourlyUsd.toFixed(2)}/h. See the Costs page for why.`,
      );
      return;
    }
    const unread = result.unverifiedRegions.length
      ? `; not readable: ${result.unverifiedRegions.map((r) => r.region).join(', ')}`
      : '';
    const others = result.rescan.resources.filter(isBillable);
    // Only say "0 cost resources remain" when the rescan shows it of the whole account.
    if (others.length === 0) {
      this.notifications.notify(
        'success',
        'Kill-all complete',
        `0 cost resources remain (verified by a rescan of every readable region${unread}).`,
      );
    } else {
      this.notifications.notify(
        'success',
        'Kill-all complete',
        `Everything you confirmed is gone (verified by a rescan${unread}). ${countOf(others.length, 'other resource')} still cost $${result.rescan.totalHourlyUsd.toFixed(2)}/h.`,
      );
    }
  }
}

function toResult(report: CleanupReport): KillAllResult {
  const alreadyGone = report.outcomes.filter((o) => o.outcome === 'gone').length;
  return {
    deleted: report.outcomes.filter((o) => o.outcome === 'deleted').length,
    failed: report.outcomes.filter((o) => o.outcome === 'failed').length,
    ...(alreadyGone ? { alreadyGone } : {}),
    survivors: report.survivors,
    unverifiedRegions: report.unverifiedRegions,
    remainingHourlyUsd: report.remainingHourlyUsd,
    rescan: report.rescan,
  };
}
