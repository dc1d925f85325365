import type { NotificationTopic } from '../../shared/domain/settings';
import type { MonitorNotice } from '../../shared/monitor/notices';

/**
 * Which of the user's notification preferences a notice falls under. Undefined: always shown,
 * whatever the preferences — a teardown that left resources billing, a spot interruption, a relaunch (a new instance billing) and a run
 * the monitor stops (its budget, a stall, a NaN loss) are costs or data at stake, which no setting may hide.
 */
export function noticeTopic(notice: MonitorNotice): NotificationTopic | undefined {
  switch (notice.kind) {
    case 'training-finished':
      return notice.cancelled || notice.exitCode === 0 ? 'trainingEnded' : 'trainingFailed';
    case 'sync-verified':
      return 'trainingEnded';
    case 'run-failed':
    case 'sync-failed':
    case 'stall':
    case 'loss-not-finite':
      return 'trainingFailed';
    case 'teardown-complete':
      return notice.remainingHourlyUsd === 0 && !notice.survivors?.length ? 'teardown' : undefined;
    case 'untracked-resources':
      return 'ghostResources';
    default:
      return undefined;
  }
}
