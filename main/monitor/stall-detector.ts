import { DEFAULT_STALL_RULE, isIdle, type StallRule } from '../../shared/monitor/stall';
import type { Clock } from '../core/clock';

/** What {@link StallDetector.check} decided. */
export type StallVerdict = { stalled: false } | { stalled: true; quietMs: number; justNow: boolean };

/**
 * No new log line AND an idle accelerator (GPU, or CPU for CPU runs) for the rule's window
 * → stalled. Alerts once per stall: `justNow` is true only on the check that crossed the
 * line; a new log line or a busy sample re-arms it.
 */
export class StallDetector {
  private lastLineAt: number;
  private idleSince: number | undefined;
  private alerted = false;

  constructor(
    private readonly clock: Clock,
    private readonly rule: StallRule = DEFAULT_STALL_RULE,
  ) {
    // Counting from creation: a run that never prints anything still stalls.
    this.lastLineAt = clock.now();
  }

  /** A log line arrived. */
  onLine(at = this.clock.now()): void {
    this.lastLineAt = Math.max(this.lastLineAt, at);
    this.alerted = false;
  }

  /** A health sample arrived. */
  onSample(sample: { at: number; cpuPct?: number; gpus?: { utilizationPct: number | null }[] }): void {
    if (isIdle(sample, this.rule)) this.idleSince ??= sample.at;
    else {
      this.idleSince = undefined;
      this.alerted = false;
    }
  }

  check(): StallVerdict {
    const now = this.clock.now();
    if (this.idleSince === undefined) return { stalled: false };
    const quietMs = now - Math.max(this.lastLineAt, this.idleSince);
    if (quietMs < this.rule.windowMs) return { stalled: false };
    const justNow = !this.alerted;
    this.alerted = true;
    return { stalled: true, quietMs, justNow };
  }
}
