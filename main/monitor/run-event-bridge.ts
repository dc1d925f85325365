import type { EventBus } from '../core/event-bus';
import type { MonitorNotifier } from './monitor-notifier';

/**
 * Listens to the pipeline's `runs.event` on the bus and lets the notifier decide which deserve
 * a notification (training finished, sync verified, teardown). The pipeline needs no
 * dependency on the monitor. The training's duration counts from its phase's `running` event
 * (else from the run's `started` event), so provisioning and data pulls are not included.
 * Returns the function that stops listening.
 */
export function notifyRunEvents(bus: EventBus, notifier: MonitorNotifier): () => void {
  const started = new Map<string, number>();
  return bus.on('runs.event', (event) => {
    if (event.type === 'started') started.set(event.runId, Date.parse(event.at));
    if (event.type === 'phase' && event.phase === 'training' && event.status === 'running') {
      started.set(event.runId, Date.parse(event.at));
    }
    notifier.onRunEvent(event, started.get(event.runId));
    // A run's start time is only needed until it ends; keep the map from growing with history.
    if (event.type === 'finished') started.delete(event.runId);
  });
}
