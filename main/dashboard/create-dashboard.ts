import type { CostResource } from '../../shared/domain/cost';
import type { Clock } from '../core/clock';
import type { EventBus } from '../core/event-bus';
import type { JobRunner } from '../core/jobs';
import type { NotificationService } from '../core/notifications';
import type { LifecycleDeps } from '../lifecycle/lifecycle-deps';
import type { StopRuns } from '../runs/stop-request';
import type { KeyVault } from '../sync/key-vault';
import type { TrustGate } from '../trust/trust-gate';
import { AccountService } from './account-service';
import { CostsService } from './costs-service';
import type { DashboardServices } from './dashboard-handlers';
import { createKeysService } from './keys-service';
import type { SettingsStore } from './settings-store';
import { TemplatesService } from './templates-service';

/**
 * Builds the dashboard's services over the lifecycle's world (real AWS, or the fake one for
 * tests). `onScanned` sees every finished scan (the monitor notifies untracked resources).
 * `keyVault` seals SSE-C keys (the desktop app's OS keychain); without it keys are plain files.
 */
export function createDashboard(options: {
  world: LifecycleDeps;
  dataDir: string;
  clock: Clock;
  jobs: JobRunner;
  bus: EventBus;
  notifications: NotificationService;
  onScanned?: (resources: readonly CostResource[]) => void;
  /** Stops this app's live runs among these ids (a kill-all's, before it deletes): which, and when they have ended. */
  stopRuns?: StopRuns;
  keyVault?: KeyVault;
  trust: TrustGate;
  /** The app's settings: one store for the dashboard, the monitor and the notifications (built by the composition). */
  settings: SettingsStore;
}): DashboardServices {
  const deps = options.world;
  return {
    account: new AccountService(deps, options.keyVault),
    costs: new CostsService(
      deps,
      options.jobs,
      options.bus,
      options.notifications,
      options.onScanned,
      options.stopRuns,
    ),
    templates: new TemplatesService(options.dataDir, options.clock),
    keys: createKeysService(options.keyVault),
    trust: options.trust,
    settings: options.settings,
  };
}
