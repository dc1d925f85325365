import type { SpotNowAnswer } from '../../shared/pricing/spot-now-price';
import type { Clock } from '../core/clock';

/**
 * How often a running spot instance's price is read again. EC2 moves a zone's spot price a few
 * times a day at most; ten minutes keeps the burn and the budget near the price in force for one
 * DescribeSpotPriceHistory call per run per ten minutes (and the reader caches across runs).
 */
export const SPOT_REREAD_MS = 10 * 60_000;

/** Reads a type's spot price per zone now; never rejects (a failure is an answer with a problem, spot-now.ts). */
export type SpotRead = (signal: AbortSignal) => Promise<SpotNowAnswer>;

/**
 * Reads a spot instance's price now, then again at most every `everyMs` while its watch lasts: a read
 * in flight is never doubled, the watch's signal cancels it, and its answer is dropped once the
 * watch ended. Never throws and never rejects: a read that rejects anyway is ignored (the price in
 * force stays), so a price read can never fail the run.
 */
export class SpotRereader {
  private lastAt = -Infinity;
  private inFlight = false;

  constructor(
    private readonly read: SpotRead,
    private readonly clock: Clock,
    private readonly apply: (spot: SpotNowAnswer) => void,
    private readonly everyMs = SPOT_REREAD_MS,
  ) {}

  /** Starts a read when none is in flight and the last one began `everyMs` ago or more (or never). */
  maybeRead(signal: AbortSignal): void {
    if (signal.aborted || this.inFlight) return;
    const now = this.clock.now();
    if (now - this.lastAt < this.everyMs) return;
    this.lastAt = now;
    this.inFlight = true;
    let reading: Promise<SpotNowAnswer>;
    try {
      reading = this.read(signal);
    } catch {
      this.inFlight = false;
      return;
    }
    void reading
      .then(
        (spot) => {
          if (!signal.aborted) this.apply(spot);
        },
        () => undefined,
      )
      .finally(() => {
        this.inFlight = false;
      });
  }
}
