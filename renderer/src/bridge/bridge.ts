import { useCosts } from '../features/costs/stores/costs';
import { useLaunch } from '../features/launch/stores/launch';
import { useMonitor } from '../features/runs/stores/monitor';
import { useRuns } from '../features/runs/stores/runs';
import { useApp } from '../stores/app';
import { useConnection } from '../stores/connection';
import { useJobs } from '../stores/jobs';
import { useNavigation } from '../stores/navigation';
import { useNotifications } from '../stores/notifications';
import { useSettings } from '../stores/settings';
import { useUnfinishedRuns } from '../stores/unfinished-runs';
import { setApi } from './api-ref';
import type { ConnectionState, Transport } from './connection';
import { selectTransport } from './select-transport';

let transport: Transport | undefined;
/** The host process last connected to; see `ConnectionState.host`. */
let connectedHost: string | undefined;

/**
 * Wires the page to main exactly once: picks the transport, subscribes to every event of
 * the contract, mirrors the connection state into its store, and reloads the snapshots
 * after every (re)connect because events pushed while disconnected are lost. When the host
 * itself restarted, what came from the old one is dropped first (see `forgetOldHost`).
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
  selected.api.subscribe('costs.scanProgress', (progress) => useCosts.getState().applyScanProgress(progress));
  selected.api.subscribe('runs.event', (event) => useRuns.getState().applyEvent(event));
  selected.api.subscribe('monitor.delta', (delta) => {
    useMonitor.getState().applyDelta(delta);
    // Every watched run's price, not only the shown one's: the badge on every page sums them.
    useRuns.getState().noteCost(delta.runId, delta.cost);
  });

  const onState = (state: ConnectionState) => {
    useConnection.getState().setState(state);
    if (state.status !== 'connected') return;
    if (state.host && connectedHost && state.host !== connectedHost) forgetOldHost();
    connectedHost = state.host ?? connectedHost;
    reloadSnapshots();
  };
  selected.onState(onState);
  onState(selected.getState());
  return selected;
}

/**
 * Main restarted: its jobs died with it and its event sequences started over, so merging the
 * new snapshots by seq would keep stale copies (a job "running" forever). Runs the page had are
 * reloaded from main's journal, the watched run's monitor from its new snapshot; if jobs were
 * running, the user is told they stopped.
 */
function forgetOldHost(): void {
  const stopped = Object.values(useJobs.getState().jobs).filter((job) => job.state === 'running').length;
  useJobs.getState().forgetAll();
  useRuns.getState().forgetAll();
  useUnfinishedRuns.getState().forgetAll();
  useCosts.getState().forgetKill();
  useMonitor.getState().forgetSnapshot();
  if (!stopped) return;
  useNotifications.getState().push({
    id: `host-restarted-${Date.now()}`,
    level: 'warning',
    title: 'TrainDeck restarted',
    body: `${stopped} background ${stopped === 1 ? 'job was' : 'jobs were'} running and stopped with it. Start again what you still need.`,
    at: new Date().toISOString(),
  });
}

function reloadSnapshots(): void {
  void useApp.getState().loadInfo();
  void useApp.getState().loadDoctor();
  void useSettings.getState().load();
  void useJobs.getState().loadJobs();
  void useRuns.getState().loadRuns();
  // The Launch page's templates: a load tried before the socket was open failed and is not retried by itself.
  void useLaunch.getState().loadTemplates();
  // Runs a killed TrainDeck left (the banner): asked at start and after every reconnect.
  void useUnfinishedRuns.getState().load();
  // The cost scan at start (and after a reconnect without one): the Costs page and its burn rate are never empty for long.
  if (!useCosts.getState().scan) void useCosts.getState().runScan();
  const watched = useMonitor.getState().runId;
  if (watched) void useMonitor.getState().watch(watched);
}
