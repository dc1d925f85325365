import { TypedError } from '../../shared/ipc/result';
import type { ObjectStore } from '../aws/ports/object-store';
import { createS3Client } from '../aws/s3-client';
import { createS3ObjectStore } from '../aws/s3-object-store';
import type { LoadedRunConfig } from '../config/load-run-config';
import { resolveConfigPaths } from '../config/resolve-config-paths';
import type { KeyVault } from './key-vault';
import { loadSseKey, type SseKey } from './sse-key';
import { type SyncSpec, syncSpecFrom } from './sync-spec';

/** Everything a sync needs, built from a run config. */
export interface OpenedSync {
  spec: SyncSpec;
  store: ObjectStore;
  key: SseKey;
  region: string;
}

/**
 * Builds spec, key and S3 store from a run config, checking inputs before any request:
 * the key file, the folder selection. `folders` limits the sync to some folders by name;
 * `keyVault` opens a key sealed by the desktop app (the CLI has none: plain key files only).
 */
export async function openSync(
  loaded: LoadedRunConfig,
  options: { folders?: string[]; concurrency?: number; env?: NodeJS.ProcessEnv; keyVault?: KeyVault | undefined } = {},
): Promise<OpenedSync> {
  const { baseDir } = loaded;
  // The one resolver (a no-op on configs already resolved): "~/" and relative paths as preflight reads them.
  const config = resolveConfigPaths(loaded.config, baseDir);
  const spec = syncSpecFrom(config.storage, baseDir, options.concurrency ? { concurrency: options.concurrency } : {});
  if (options.folders?.length) {
    const unknown = options.folders.filter((name) => !spec.folders.some((f) => f.name === name));
    if (unknown.length) {
      throw new TypedError('INVALID_REQUEST', `Unknown folder "${unknown[0]}".`, {
        fix: `The config's folders are: ${spec.folders.map((f) => f.name).join(', ')}.`,
      });
    }
    spec.folders = spec.folders.filter((f) => options.folders!.includes(f.name));
  }
  const key = await loadSseKey(config.storage.sseKeyFile, options.keyVault);
  const region = config.storage.region ?? config.aws.region;
  // Our own retries re-open file streams; the SDK's cannot, so it makes one attempt per call.
  const client = createS3Client(
    {
      region,
      maxAttempts: 1,
      ...(config.aws.profile ? { profile: config.aws.profile } : {}),
      ...(options.env ? { env: options.env } : {}),
    },
    { maxSockets: spec.concurrency * 2 },
  );
  return { spec, store: createS3ObjectStore(client, spec.bucket, key), key, region };
}

/** Refuses to push folders whose policy is pull-only when they are asked for by name. */
export function assertPushable(spec: SyncSpec, requested: string[] | undefined): void {
  const datasets = spec.folders.filter((f) => f.policy === 'pull-only' && requested?.includes(f.name));
  if (datasets.length) {
    throw new TypedError(
      'INVALID_REQUEST',
      `Folder "${datasets[0]!.name}" is pull-only (S3 is its source of truth): TrainDeck never pushes it.`,
      { fix: 'Publish datasets with traindeck datasets publish --config run.json SRC; runs only pull them.' },
    );
  }
}
