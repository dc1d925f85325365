import { DEFAULT_SYNC_FOLDERS } from '../../../shared/run-config/schema';
import { SYNC_DEFAULTS, type SyncSpec } from '../sync-spec';

/**
 * The spec of a sync against the in-memory bucket `b`, prefix `p`, with the default folders
 * under `localRoot`; small parts (16 bytes from 48) make a 100-byte file go up in parts.
 */
export function memorySpec(localRoot: string, overrides: Partial<SyncSpec> = {}): SyncSpec {
  return {
    ...SYNC_DEFAULTS,
    multipartThreshold: 48,
    partSize: 16,
    bucket: 'b',
    prefix: 'p',
    localRoot,
    folders: DEFAULT_SYNC_FOLDERS,
    ...overrides,
  };
}
