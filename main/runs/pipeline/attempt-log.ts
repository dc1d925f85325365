import type { LaunchMarket, PlacementCandidate } from '../../../shared/domain/capacity-failover';
import type { AttemptEnding } from '../../../shared/domain/spot-relaunch';
import type { ExecutorStatus } from '../../../shared/executor/protocol';
import type { AttemptEnd, RunAttempt } from '../../../shared/report/run-attempts';
import type { AwsMachine } from './compute-backend';
import type { RunEventBody } from './phase-tracker';

/**
 * The attempts of an EC2 run (each launch of its instance), kept by the pipeline and published
 * whole as an `attempts` run event at each change: an attempt starts when its instance is
 * provisioned, and ends when its instance is gone (an interruption: after the relaunch's verified
 * teardown; the last one: after the run's teardown) or its relaunch could not launch.
 */
export function createAttemptLog(emit: (event: RunEventBody) => void, now: () => number) {
  const attempts: RunAttempt[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  const publish = () => emit({ type: 'attempts', attempts: attempts.map((a) => ({ ...a })) });
  return {
    /** Every attempt's market, in launch order. */
    markets(): LaunchMarket[] {
      return attempts.map((a) => a.market);
    },
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
      publish();
    },
    /** The running attempt ended (nothing when none runs). */
    ended(end: AttemptEnd): void {
      const last = attempts.at(-1);
      if (!last || last.end) return;
      last.end = end;
      last.endedAt = iso(now());
      publish();
    },
    /** A relaunch that found no placement (or failed to launch): no instance, where it tried first. */
    launchFailed(
      attempt: number,
      startedAt: number,
      where: PlacementCandidate | undefined,
      market: LaunchMarket,
    ): void {
      attempts.push({
        attempt,
        instanceId: '',
        instanceType: where?.instanceType ?? '',
        zone: where?.zone ?? '',
        market: where?.market ?? market,
        startedAt: iso(startedAt),
        endedAt: iso(now()),
        end: 'launch-failed',
      });
      publish();
    },
  };
}

/** The attempt log of one run (see {@link createAttemptLog}). */
export type AttemptLog = ReturnType<typeof createAttemptLog>;

/** How an attempt's training ended, from the executor's status and the run's cancel. */
export function attemptEnding(status: ExecutorStatus | undefined, cancelled: boolean): AttemptEnding {
  if (status?.outcome === 'spot-interrupted') return 'interrupted';
  if (cancelled || status?.outcome === 'cancelled') return 'stopped';
  return status?.outcome === 'succeeded' ? 'finished' : 'failed';
}
