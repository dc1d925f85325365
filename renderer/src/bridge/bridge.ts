import type { ConnectionState, Transport } from './connection';
import { setApi } from './api-ref';
import { selectTransport } from './select-transport';
import { useApp } from '../stores/app';
import { useConnection } from '../stores/connection';
import { useCosts } from '../stores/costs';
import { useJobs } from '../stores/jobs';
import { useMonitor } from '../stores/monitor';
import { useNavigation } from '../stores/navigation';
import { useNotifications } from '../stores/notifications';
import { useRuns } from '../stores/runs';

let transport: Transport | undefined;

/**
 * Wires the page to main exactly once: picks the transport, subscribes to every event of
 * the contract, mirrors the connection state into its store, and reloads the snapshots
 * after every (re)connect because events pushed while disconnected are lost.
 */
export function startBridge(): Transport {
  if (transport) return transport;
  const selected = selectTransport();
  transport = selected;
  setApi(selected.api);

  selected.api.subscribe('app.notification', (notification) => useNotifications.getState().push(notification));
  selected.api.subscribe('app.navigate', ({ page }) => useNavigation.getState().navigate(page));
  selected.api.subscribe('jobs.event', (event) => {
    useJobs.getState().applyEvent(event);
    useCosts.getState().applyJobEvent(event);
    useRuns.getState().applyJobEvent(event);
  });
  selected.api.subscribe('costs.deletion', (event) => useCosts.getState().applyDeletion(event));
  selected.api.subscribe('runs.event', (event) => useRuns.getState().applyEvent(event));
  selected.api.subscribe('monitor.delta', (delta) => useMonitor.getState().applyDelta(delta));

  const onState = (state: ConnectionState) => {
    useConnection.getState().setState(state);
    if (state.status === 'connected') reloadSnapshots();
  };
  selected.onState(onState);
  onState(selected.getState());
  return selected;
}

function reloadSnapshots(): void {
  void useApp.getState().loadInfo();
  void useApp.getState().loadDoctor();
  void useJobs.getState().loadJobs();
  void useRuns.getState().loadRuns();
  const watched = useMonitor.getState().runId;
  if (watched) void useMonitor.getState().watch(watched);
}
