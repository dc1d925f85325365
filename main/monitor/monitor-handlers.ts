import type { Handlers } from '../core/router';
import type { MonitorService } from './monitor-service';

/** The monitor's commands: thin calls into {@link MonitorService}. */
export function monitorHandlers(monitor: MonitorService): Pick<Handlers, 'monitor.list' | 'monitor.snapshot'> {
  return {
    'monitor.list': () => monitor.list(),
    'monitor.snapshot': ({ runId, points }) => monitor.snapshot(runId, points),
  };
}
