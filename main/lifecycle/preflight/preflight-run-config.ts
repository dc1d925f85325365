import type { PreflightReport } from '../../../shared/domain/preflight';
import type { ComputeBackendKind } from '../../../shared/domain/run';
import type { LifecycleDeps } from '../lifecycle-deps';
import { preflightFor } from './host-preflight';
import type { PreflightInput } from './run-preflight';

/**
 * The one preflight of a run config as `traindeck preflight` and the app's review step run it,
 * the same as a run's preflight phase: with the sync engine's store of the prefix (key identity,
 * datasets) whenever `openStore` is given and the key file loads (when it does not, the key check says why).
 */
export async function preflightRunConfig(
  input: Omit<PreflightInput, 'objectStore'> & { baseDir: string; openStore?: LifecycleDeps['openStore'] },
  backend?: ComputeBackendKind,
): Promise<PreflightReport> {
  const { baseDir, openStore, ...rest } = input;
  const objectStore = await openStore?.({ config: input.config, baseDir }, input.keyVault).catch(() => undefined);
  return preflightFor({ ...rest, ...(objectStore ? { objectStore } : {}) }, backend);
}
