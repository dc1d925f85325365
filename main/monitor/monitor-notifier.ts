import type { CostResource } from '../../shared/domain/cost';
import type { RunEvent } from '../../shared/domain/run';
import type { NotificationTopic } from '../../shared/domain/settings';
import { type AutoStopCause, formatDurationMs, type MonitorNotice } from '../../shared/monitor/notices';
import { countOf } from '../../shared/text/plural';
import { joinSentences } from '../../shared/text/sentences';
import type { Notify } from '../core/webhook-tee';
import { noticeTopic } from './notice-topic';
import { noticeFromRunEvent } from './run-event-notices';

// Notices that describe the end of something happen once per run; a repeat (replayed events
// after a reconnect) must not notify twice.
const ONCE = new Set<MonitorNotice['kind']>([
  'training-finished',
  'sync-verified',
  'teardown-complete',
  'spot-interruption',
  'relaunched',
  'run-failed',
  'auto-stop',
  'loss-not-finite',
]);

const AUTO_STOP_TITLES: Record<AutoStopCause, string> = {
  budget: 'Budget reached: stopping the run',
  stall: 'Stalled: stopping the run',
  loss: 'Loss is not a number: stopping the run',
};

function usd(value: number): string {
  return `$${value.toFixed(value < 1 ? 3 : 2)}`;
}

// "Run r1 failed at connecting: SSH to … did not answer": the run's "phase: reason" read as a sentence.
function failedAt(runId: string, reason: string | undefined): string {
  if (!reason) return `Run ${runId} failed`;
  const [, phase, why] = /^([a-z-]+): (.+)$/s.exec(reason) ?? [];
  return phase && why ? `Run ${runId} failed at ${phase}: ${why}` : `Run ${runId} failed: ${reason}`;
}

// A relaunched spot run can be interrupted and relaunched again: each interruption (its own
// notice time) and each attempt is said once, not only the first of the run.
function onceKey(notice: MonitorNotice): string {
  if (!('runId' in notice)) return '';
  if (notice.kind === 'spot-interruption') return `${notice.runId}:${notice.kind}:${notice.time}`;
  if (notice.kind === 'relaunched') return `${notice.runId}:${notice.kind}:${notice.attempt}`;
  return `${notice.runId}:${notice.kind}`;
}

/**
 * Turns monitor and run notices into notifications of the one {@link NotificationService}
 * (page + tray + OS). Wording says what happened and what the user may need to do.
 */
export class MonitorNotifier {
  private readonly sent = new Set<string>();

  /**
   * `wants` says whether the user wants notifications of a topic (the Settings page's preferences); absent: all.
   * A run's end is notified with its `RunEnd`, so the webhook's copy is not a second one of the machine's own.
   */
  constructor(
    private readonly notifications: { notify: Notify },
    private readonly wants: (topic: NotificationTopic) => boolean = () => true,
  ) {}

  notify(notice: MonitorNotice): void {
    const topic = noticeTopic(notice);
    if (topic && !this.wants(topic)) return;
    const key = onceKey(notice);
    if (ONCE.has(notice.kind)) {
      if (this.sent.has(key)) return;
      this.sent.add(key);
    }
    const n = this.notifications;
    switch (notice.kind) {
      case 'training-finished': {
        const end = { runId: notice.runId, end: 'training' as const };
        const took = notice.durationMs !== undefined ? ` after ${formatDurationMs(notice.durationMs)}` : '';
        if (notice.cancelled) {
          n.notify('warning', 'Training stopped', `Run ${notice.runId} was stopped${took}; pushing its data.`, end);
        } else if (notice.exitCode === 0) {
          n.notify('success', 'Training finished', `Run ${notice.runId} succeeded (exit code 0)${took}.`, end);
        } else {
          // The run's end says no more than this: no second "Run failed" for the same exit code.
          this.sent.add(`${notice.runId}:run-failed`);
          n.notify(
            'error',
            'Training failed',
            `Run ${notice.runId} ended with exit code ${notice.exitCode ?? 'none (killed by a signal)'}${took}; its data is pushed anyway.`,
            end,
          );
        }
        return;
      }
      case 'sync-verified': {
        // Nothing pushed is nothing verified: a toast saying "0 files … are in S3" would claim a check that did not happen.
        if (notice.files === 0) return;
        const what = notice.files !== undefined ? `${countOf(notice.files, 'file')} of run` : 'Every file of run';
        const are = notice.files === 1 ? 'is' : 'are';
        n.notify('success', 'Sync verified', `${what} ${notice.runId} ${are} in S3 with matching SHA-256.`);
        return;
      }
      case 'run-failed':
        n.notify(
          'error',
          'Run failed',
          joinSentences(failedAt(notice.runId, notice.reason), 'Open Runs for the causes and Retry'),
          { runId: notice.runId, end: 'run-failed' },
        );
        return;
      case 'sync-failed':
        n.notify(
          'error',
          'Sync not verified',
          `Run ${notice.runId}: ${notice.reason} The instance is kept for a bounded time; its TTL still ends it.`,
        );
        return;
      case 'teardown-complete':
        if (notice.remainingHourlyUsd === 0 && !notice.survivors?.length) {
          n.notify(
            'success',
            'Teardown complete',
            `Run ${notice.runId}: everything deleted, $0/h confirmed by rescan.`,
          );
        } else {
          const what = notice.survivors?.join(', ') || 'resources';
          const rate =
            notice.remainingHourlyUsd === null
              ? 'may still cost money'
              : `still cost ${usd(notice.remainingHourlyUsd)}/h`;
          n.notify(
            'error',
            'Teardown left resources',
            `Run ${notice.runId}: ${notice.reason ? `${notice.reason}. ` : ''}${what} ${rate}. Open Costs to delete them.`,
          );
        }
        return;
      case 'stall':
        n.notify(
          'warning',
          'Training may be stalled',
          `Run ${notice.runId}: no new log line and ${notice.gpu ? 'GPU' : 'CPU'} idle for ${formatDurationMs(notice.quietMs)}.`,
        );
        return;
      case 'spot-interruption':
        n.notify(
          'error',
          'Spot instance interrupted',
          `Run ${notice.runId}: AWS will ${notice.action} the instance at ${notice.time}. The executor is pushing now.`,
        );
        return;
      case 'relaunched':
        n.notify(
          'warning',
          `Spot run relaunched (attempt ${notice.attempt} in ${notice.zone})`,
          `Run ${notice.runId}: attempt ${notice.attempt} is a ${notice.instanceType} ${notice.market === 'spot' ? 'spot' : 'on-demand'} instance in ${notice.zone}, after a spot interruption; training resumes from the newest checkpoint in S3. Each attempt bills its own instance.`,
        );
        return;
      case 'auto-stop':
        n.notify(
          'warning',
          AUTO_STOP_TITLES[notice.cause],
          joinSentences(
            `Run ${notice.runId}: ${notice.reason}`,
            'Training is stopping; its data is pushed and verified, then the machine is torn down',
          ),
        );
        return;
      case 'loss-not-finite':
        n.notify(
          'warning',
          'Loss is not a number',
          `Run ${notice.runId}: ${notice.name} is ${notice.value}; the training goes on but learns nothing. Stop it from Runs, or set monitoring.nonFiniteLoss to "stop".`,
        );
        return;
      case 'untracked-resources': {
        const rate = notice.hourlyUsd === null ? 'an unknown amount' : `${usd(notice.hourlyUsd)}/h`;
        n.notify(
          'warning',
          'Untracked cost resources',
          `The scan found ${countOf(notice.count, 'resource')} not made by TrainDeck in ${notice.regions.join(', ')}, costing ${rate}.`,
        );
        return;
      }
    }
  }

  /** A pipeline event; only the ones worth a notification do anything. */
  onRunEvent(event: RunEvent, runStartedAt?: number): void {
    const notice = noticeFromRunEvent(event, runStartedAt);
    if (notice) this.notify(notice);
  }

  /** The result of a cost scan: untracked billable resources are worth a notification. */
  onScan(resources: readonly CostResource[]): void {
    const untracked = resources.filter((r) => !r.ours && r.hourlyUsd !== 0);
    if (!untracked.length) return;
    const prices = untracked.map((r) => r.hourlyUsd);
    const hourlyUsd = prices.some((p) => p === null) ? null : prices.reduce<number>((a, p) => a + (p ?? 0), 0);
    this.notify({
      kind: 'untracked-resources',
      count: untracked.length,
      hourlyUsd,
      regions: [...new Set(untracked.map((r) => r.region))].sort(),
    });
  }
}
