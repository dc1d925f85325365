import type { MonitorService } from '../monitor/monitor-service';
import type { RunObserver } from './pipeline/run-observer';

/**
 * Hands a training run to the monitor: it samples health and tails the logs through the
 * pipeline's own SSH connection (or this computer for local runs), follows reconnects, and
 * stops when the run ends (its data stays for the page).
 */
export function monitorObserver(monitor: MonitorService): RunObserver {
  return {
    trainingStarted: (runId, host, paths) => void monitor.watch({ runId, shell: host, paths }),
    reconnected: (runId, host) => monitor.setShell(runId, host),
    ended: (runId) => monitor.stop(runId),
  };
}
