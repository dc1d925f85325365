import type { ConnectionState, Transport } from './connection';
import { setApi } from './api-ref';
import { selectTransport } from './select-transport';
import { useApp } from '../stores/app';
import { useConnection } from '../stores/connection';
import { useJobs } from '../stores/jobs';
import { useNavigation } from '../stores/navigation';
import { useNotifications } from '../stores/notifications';

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
  selected.api.subscribe('jobs.event', (event) => useJobs.getState().applyEvent(event));

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
}
