import { join } from 'node:path';

import type { WebhookTarget } from '../../shared/notify/webhook';
import type { Clock } from '../core/clock';
import type { EventBus } from '../core/event-bus';
import type { Logger } from '../core/logger';
import type { LifecycleDeps } from '../lifecycle/lifecycle-deps';
import { priceSourceOf } from '../lifecycle/pricing/price-source';
import { priceSpotRun, priceSpotWindow } from '../lifecycle/spot-cost';
import type { KeyVault } from '../sync/key-vault';
import type { StoreCredentialsConfirm } from '../trust/store-credential-consent';
import type { SpotNowReader } from './monitor-observer';
import type { RunObserver } from './pipeline/run-observer';
import { createReattachPort } from './reattach/reattach-resources';
import { createRunResources } from './run-resources';
import { RunService } from './run-service';

/**
 * The run service over the lifecycle's world (the same one the cost panel scans: real AWS, or
 * the fake account under TRAINDECK_FAKE_AWS); events go out on the bus as `runs.event`.
 * `keyVault` opens SSE-C key files sealed by the desktop app. A spot run's instance is priced
 * from that world's spot price history.
 */
export function createRunService(options: {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  projectRoot: string;
  lifecycle: LifecycleDeps;
  bundleDir?: string;
  observer?: RunObserver;
  keyVault?: KeyVault;
  /** Asks before an S3-compatible store's own credentials go to a run's machine (remembered per store and key). */
  confirmStoreCredentials?: StoreCredentialsConfirm;
  /** The notification webhook, if set: the executor posts "finished/failed" itself (URL over stdin). */
  webhook?: () => Promise<WebhookTarget | undefined>;
  /** A type's spot price now (the monitor's reader, to share its reads): an unfinished spot run is priced with it. */
  spotNow?: SpotNowReader;
}): RunService {
  return new RunService({
    dataDir: options.dataDir,
    emit: (event) => options.bus.emit('runs.event', event),
    now: () => options.clock.now(),
    log: options.log,
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.keyVault ? { keyVault: options.keyVault } : {}),
    ...(options.webhook ? { webhook: options.webhook } : {}),
    // What an unfinished run still bills: the monitor's prices (the world's one price source, spot now).
    billing: {
      prices: (target) => priceSourceOf(options.lifecycle).forRegion(target),
      ...(options.spotNow ? { spotNow: options.spotNow } : {}),
    },
    // The same world as the launch: its journal folder, its clock, its EC2 (real or the fake account).
    spotPricing: (runId, request) =>
      priceSpotRun(
        runId,
        { instanceType: request.config.compute?.instanceType ?? 'unknown', profile: request.config.aws.profile },
        {
          dataDir: options.lifecycle.dataDir,
          spotPrices: (target) => options.lifecycle.ports(target).ec2(target.region),
          now: () => options.lifecycle.clock.now(),
        },
      ),
    spotHistory: (request, window) =>
      priceSpotWindow(
        window,
        {
          region: request.config.aws.region,
          ...(request.config.aws.profile ? { profile: request.config.aws.profile } : {}),
        },
        { spotPrices: (target) => options.lifecycle.ports(target).ec2(target.region) },
      ),
    reattach: createReattachPort({
      env: options.env,
      lifecycle: () => options.lifecycle,
      keyVault: options.keyVault,
      confirmStoreCredentials: options.confirmStoreCredentials,
    }),
    resources: createRunResources({
      env: options.env,
      bundleDir: options.bundleDir ?? join(options.projectRoot, 'dist', 'executor'),
      lifecycle: () => options.lifecycle,
      keyVault: options.keyVault,
      confirmStoreCredentials: options.confirmStoreCredentials,
    }),
  });
}
