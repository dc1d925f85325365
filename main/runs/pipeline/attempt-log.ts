import type { LaunchMarket, PlacementCandidate } from '../../../shared/domain/capacity-failover';
import type { AttemptEnding } from '../../../shared/domain/spot-relaunch';
import type { ExecutorStatus } from '../../../shared/executor/protocol';
import { priceAttempt } from '../../../shared/pricing/attempt-cost';
import type { SpotPricing } from '../../../shared/pricing/spot-history';
import type { AttemptEnd, RunAttempt } from '../../../shared/report/run-attempts';
import type { AwsMachine, LaunchedInstance } from './compute-backend';
import type { RunEventBody } from './phase-tracker';

/** One spot attempt's window, to be priced from EC2's price history (its own type, zone and times). */
export interface SpotWindow {
  instanceType: string;
  /** Absent: the zone was not recorded (the dearest zone of the region prices it, at most). */
  zone?: string;
  /** Epoch ms. */
  from: number;
  to: number;
}

/** Reads a spot attempt's price history over its window (main/lifecycle/spot-cost.ts: bounded, never throws). */
export type SpotWindowPricing = (window: SpotWindow) => Promise<SpotPricing>;

/** A reattached run's attempts so far (its events'), the followed one last, and that one's root volume size. */
export interface SeedAttempts {
  attempts: RunAttempt[];
  diskGb: number;
}

/**
 * The attempts of an EC2 run (each launch of its instance), kept by the pipeline and published
 * whole as an `attempts` run event at each change: an attempt starts when its instance is
 * provisioned, and ends when its instance is gone (an interruption: after the relaunch's verified
 * teardown; the last one: after the run's teardown) or its relaunch could not launch. An ended
 * attempt is then priced for its own duration (shared/pricing/attempt-cost.ts; a spot one from
 * `spotHistory`, else on-demand, at most) and published again with its cost. A restarted desktop's
 * log starts from the run's recorded attempts (`seed`): they count as if this process had made them.
 */
export function createAttemptLog(
  emit: (event: RunEventBody) => void,
  now: () => number,
  spotHistory?: SpotWindowPricing,
  seed?: SeedAttempts,
) {
  const attempts: RunAttempt[] = seed?.attempts.map((a) => ({ ...a })) ?? [];
  // Each attempt's root volume size (not part of the attempt's public record); the ended ones are priced already.
  const disks = new Map<number, number>();
  const followed = attempts.at(-1);
  if (seed && followed) disks.set(followed.attempt, seed.diskGb);
  const iso = (ms: number) => new Date(ms).toISOString();
  const publish = () => emit({ type: 'attempts', attempts: attempts.map((a) => ({ ...a })) });
  return {
    /** The running attempt, if any. */
    current(): RunAttempt | undefined {
      const last = attempts.at(-1);
      return last && !last.end ? last : undefined;
    },
    /** Attempt `attempt` got its instance; it began when its provisioning did (`startedAt`, epoch ms). */
    started(attempt: number, machine: AwsMachine, market: LaunchMarket, startedAt: number): void {
      attempts.push({
        attempt,
        instanceId: machine.instanceId,
        instanceType: machine.instanceType,
        zone: machine.zone ?? '',
        market,
        startedAt: iso(startedAt),
      });
      disks.set(attempt, machine.diskGb);
      publish();
    },
    /**
     * The running attempt ended: published, then priced and published with its cost. Nothing when none runs,
     * unless the last one ended unpriced (a kill between the two): then it is priced now, its end as it was.
     */
    async ended(end: AttemptEnd): Promise<void> {
      const last = attempts.at(-1);
      if (!last || (last.end && last.costNote !== undefined)) return;
      if (!last.end) {
        last.end = end;
        last.endedAt = iso(now());
        publish();
      }
      const spot =
        last.market === 'spot' && spotHistory
          ? await spotHistory({
              instanceType: last.instanceType,
              ...(last.zone ? { zone: last.zone } : {}),
              from: Date.parse(last.startedAt),
              to: Date.parse(last.endedAt ?? iso(now())),
            }).catch((): SpotPricing => ({ source: 'unavailable', reason: 'the spot price history could not be read' }))
          : undefined;
      Object.assign(last, priceAttempt(last, { diskGb: disks.get(last.attempt) ?? 0, spot }));
      publish();
    },
    /** The attempts so far (copies). */
    list(): RunAttempt[] {
      return attempts.map((a) => ({ ...a }));
    },
    /**
     * A relaunch that failed to launch (or found no placement); `end` 'stopped' when the user stopped it
     * while it launched. With the instance it had launched before (its cleanup terminated it): that
     * instance, priced (it billed); without: no instance, where it tried first, $0.
     */
    launchFailed(
      attempt: number,
      startedAt: number,
      where: PlacementCandidate | undefined,
      market: LaunchMarket,
      end: Extract<AttemptEnd, 'launch-failed' | 'stopped'> = 'launch-failed',
      launched?: LaunchedInstance,
    ): void {
      const failed: RunAttempt = {
        attempt,
        instanceId: launched?.instanceId ?? '',
        instanceType: launched?.instanceType ?? where?.instanceType ?? '',
        zone: launched?.zone ?? where?.zone ?? '',
        market: launched?.market ?? where?.market ?? market,
        startedAt: iso(startedAt),
        endedAt: iso(now()),
        end,
      };
      attempts.push({ ...failed, ...priceAttempt(failed, { diskGb: launched?.diskGb ?? 0 }) });
      publish();
    },
  };
}

/** The attempt log of one run (see {@link createAttemptLog}). */
export type AttemptLog = ReturnType<typeof createAttemptLog>;

/**
 * The rows of a run a killed desktop left between attempts, made true once its teardown is verified: the
 * interrupted attempt ended and priced (if the kill came before its row was), the pending attempt's row ended
 * `launch-failed` if it had started (provisioned, never given its machine entry: it never trained), or,
 * if it had none, a `launch-failed` row for the instance that launch got (`abandoned`: terminated by
 * the teardown, so billed); nothing when that launch got none.
 */
export async function settleAttemptsBetween(
  log: AttemptLog,
  pending: number,
  abandoned: () => Promise<LaunchedInstance | undefined>,
): Promise<void> {
  const last = log.list().at(-1);
  if (last) await log.ended(last.attempt < pending ? 'interrupted' : 'launch-failed');
  if (log.list().some((a) => a.attempt >= pending)) return;
  const launched = await abandoned();
  if (launched) {
    log.launchFailed(pending, Date.parse(launched.launchedAt), undefined, launched.market, 'launch-failed', launched);
  }
}

/** How an attempt's training ended, from the executor's status and the run's cancel. */
export function attemptEnding(status: ExecutorStatus | undefined, cancelled: boolean): AttemptEnding {
  if (status?.outcome === 'spot-interrupted') return 'interrupted';
  if (cancelled || status?.outcome === 'cancelled') return 'stopped';
  return status?.outcome === 'succeeded' ? 'finished' : 'failed';
}
