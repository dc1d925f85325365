import type { EarlierAttemptsCost } from '../../../shared/monitor/cost';
import type { AutoStopCause } from '../../../shared/monitor/notices';
import type { MonitoringConfig } from '../../../shared/run-config/monitoring-section';
import type { RemoteHost } from '../../host/remote-host';
import type { AwsMachine } from './compute-backend';

/** Where the training writes, on the machine that runs it. */
export interface TrainingPaths {
  dataDir: string;
  trainLog: string;
  metricsJsonl: string;
  executorJsonl: string;
  /** The live progress bar (`train-live.json`). */
  liveBar?: string;
  /** The folders a push moves (all but pull-only): their size prices a graceful stop. */
  pushDirs?: string[];
}

/** What the monitor may stop a run for (its budget; the stall and NaN-loss actions are in `monitoring`), and how. */
export interface RunStopGuard {
  /** `training.maxCostUsd` (EC2 runs are priced; others cost $0 and are never stopped by it). */
  maxCostUsd?: number;
  /** The training's `graceSeconds`, part of the graceful stop's modelled time. */
  graceSeconds: number;
  /** Stops training gracefully, pushes, verifies, tears down, with the reason in the outcome. */
  requestStop(cause: AutoStopCause, reason: string): void;
}

/**
 * Who else follows a run's machine while it trains (the monitor: health, progress, stall).
 * The pipeline shares its live connection and tells when it changed.
 */
export interface RunObserver {
  /**
   * Training began on `host`; `context` names the EC2 instance (if any), the run's monitoring
   * settings, and for a relaunched run what its earlier attempts cost (the budget counts them).
   */
  trainingStarted(
    runId: string,
    host: RemoteHost,
    paths: TrainingPaths,
    context?: {
      aws?: AwsMachine;
      monitoring?: MonitoringConfig;
      guard?: RunStopGuard;
      earlierAttempts?: EarlierAttemptsCost;
    },
  ): void;
  /** The connection dropped and was re-established: use this one from now on. */
  reconnected(runId: string, host: RemoteHost): void;
  /** The run is over (before the connection closes): a last look at the machine may be awaited. */
  ended(runId: string): void | Promise<void>;
}

/** Several observers as one (the CLI: its live bar and the monitor's stops). */
export function allObservers(...observers: Array<RunObserver | undefined>): RunObserver {
  const each = observers.filter((observer): observer is RunObserver => observer !== undefined);
  return {
    trainingStarted: (...args) => each.forEach((observer) => observer.trainingStarted(...args)),
    reconnected: (...args) => each.forEach((observer) => observer.reconnected(...args)),
    ended: async (runId) => {
      await Promise.all(each.map((observer) => Promise.resolve(observer.ended(runId)).catch(() => undefined)));
    },
  };
}
