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
}

/**
 * Who else follows a run's machine while it trains (the monitor: health, progress, stall).
 * The pipeline shares its live connection and tells when it changed.
 */
export interface RunObserver {
  /** Training began on `host`; `context` names the EC2 instance (if any) and the run's monitoring settings. */
  trainingStarted(
    runId: string,
    host: RemoteHost,
    paths: TrainingPaths,
    context?: { aws?: AwsMachine; monitoring?: MonitoringConfig },
  ): void;
  /** The connection dropped and was re-established: use this one from now on. */
  reconnected(runId: string, host: RemoteHost): void;
  /** The run is over (before the connection closes): a last look at the machine may be awaited. */
  ended(runId: string): void | Promise<void>;
}
