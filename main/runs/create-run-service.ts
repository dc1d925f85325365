import { join } from 'node:path';
import type { Clock } from '../core/clock';
import type { EventBus } from '../core/event-bus';
import type { Logger } from '../core/logger';
import type { KeyVault } from '../sync/key-vault';
import type { LifecycleDeps } from './lifecycle-deps';
import { createRunResources } from './run-resources';
import type { RunObserver } from './pipeline/run-observer';
import { RunService } from './run-service';

/**
 * The run service over the lifecycle's world (the same one the cost panel scans: real AWS, or
 * the fake account under TRAINDECK_FAKE_AWS); events go out on the bus as `runs.event`.
 * `keyVault` opens SSE-C key files sealed by the desktop app.
 */
export function createRunService(options: { env: NodeJS.ProcessEnv; dataDir: string; bus: EventBus; clock: Clock; log: Logger; projectRoot: string; lifecycle: LifecycleDeps; bundleDir?: string; observer?: RunObserver; keyVault?: KeyVault }): RunService {
  return new RunService({
    dataDir: options.dataDir,
    emit: (event) => options.bus.emit('runs.event', event),
    now: () => options.clock.now(),
    log: options.log,
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.keyVault ? { keyVault: options.keyVault } : {}),
    resources: createRunResources({ env: options.env, bundleDir: options.bundleDir ?? join(options.projectRoot, 'dist', 'executor'), lifecycle: () => options.lifecycle, keyVault: options.keyVault }),
  });
}
