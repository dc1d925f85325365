import { DEFAULT_SYNC_FOLDERS } from '../../../shared/run-config/schema';
import { SYNC_DEFAULTS, type SyncSpec } from '../sync-spec';

/**
 * {@link SYNC_DEFAULTS} without the uploads' own multipart threshold: a test's `multipartThreshold`
 * then applies to uploads too (the engine falls back to it), as every test was written for.
 */
const { uploadMultipartThreshold: _uploads, ...withoutUploadThreshold } = SYNC_DEFAULTS;
export const TEST_SYNC_DEFAULTS = withoutUploadThreshold;

/**
 * The spec of a sync against the in-memory bucket `b`, prefix `p`, with the default folders
 * under `localRoot`; small parts (16 bytes from 48) make a 100-byte file go up in parts.
 */
export function memorySpec(localRoot: string, overrides: Partial<SyncSpec> = {}): SyncSpec {
  return {
    ...TEST_SYNC_DEFAULTS,
    multipartThreshold: 48,
    partSize: 16,
    bucket: 'b',
    prefix: 'p',
    localRoot,
    folders: DEFAULT_SYNC_FOLDERS,
    ...overrides,
  };
}
