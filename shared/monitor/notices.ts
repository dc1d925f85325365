import { formatDuration } from '../report/format';

/**
 * Things worth telling the user about a run or the account, as the monitor and the pipeline
 * report them. `MonitorNotifier` (main/monitor) turns each into one notification.
 */
export type MonitorNotice =
  | { kind: 'training-finished'; runId: string; exitCode: number | null; durationMs?: number; cancelled?: boolean }
  | { kind: 'sync-verified'; runId: string; files?: number; bytes?: number }
  | { kind: 'sync-failed'; runId: string; reason: string }
  /** The run ended failed (not a training's own exit code: that is `training-finished`). */
  | { kind: 'run-failed'; runId: string; reason?: string }
  | {
      kind: 'teardown-complete';
      runId: string;
      /** $/h still billed after the rescan; null when the teardown could not tell. */ remainingHourlyUsd:
        number | null;
      survivors?: string[];
      /** Why the teardown failed, as the pipeline said. */ reason?: string;
    }
  | { kind: 'stall'; runId: string; quietMs: number; gpu: boolean }
  | { kind: 'spot-interruption'; runId: string; action: string; time: string }
  /**
   * A spot run was launched again after an interruption: its newest attempt (2 and up) is
   * running. Raised from the relaunch engine's `attempts` run event (see run-event-notices).
   */
  | {
      kind: 'relaunched';
      runId: string;
      attempt: number;
      zone: string;
      instanceType: string;
      market: 'spot' | 'on-demand';
    }
  /** The monitor stopped the run (gracefully: push, verify, tear down): its budget, a stall or a NaN loss. */
  | { kind: 'auto-stop'; runId: string; cause: AutoStopCause; reason: string }
  /** The loss became NaN or infinite (the run goes on: `monitoring.nonFiniteLoss` is `alert`). */
  | { kind: 'loss-not-finite'; runId: string; name: string; value: string }
  | { kind: 'untracked-resources'; count: number; hourlyUsd: number | null; regions: string[] };

/** What made the monitor stop a run: `training.maxCostUsd`, `monitoring.stall.action`, `monitoring.nonFiniteLoss`. */
export type AutoStopCause = 'budget' | 'stall' | 'loss';

/** {@link formatDuration} from milliseconds: "2 h 05 min", "7 min 12 s", "45 s". */
export function formatDurationMs(ms: number): string {
  return formatDuration(ms / 1000);
}
