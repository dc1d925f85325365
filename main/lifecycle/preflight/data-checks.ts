import type { PreflightCheck } from '../../../shared/domain/preflight';
import { TypedError } from '../../../shared/ipc/result';
import { formatBytes } from '../../../shared/report/format';
import type { RunConfig } from '../../../shared/run-config/schema';
import type { ObjectStore } from '../../aws/ports/object-store';
import { checkKeyIdentity } from '../../sync/key-identity';
import { check } from './check';

/**
 * The run's data, through the sync engine's own store: the prefix is written with this key
 * (the same check every sync makes, so a wrong key is refused here, before any machine is
 * touched), and each pull-only folder (the datasets) has objects, with their count and size.
 */
export async function dataChecks(
  config: RunConfig,
  store: ObjectStore,
  signal?: AbortSignal,
): Promise<PreflightCheck[]> {
  const { bucket, prefix } = config.storage;
  const where = `s3://${bucket}/${prefix ? `${prefix}/` : ''}`;
  try {
    const identity = await checkKeyIdentity(store, prefix, signal);
    const checks = [
      check(
        'key-identity',
        'Key identity',
        'pass',
        identity === 'marked'
          ? `${where} is written with your key (${store.keyFingerprint})`
          : `${where} has no key marker yet and nothing written with another key`,
      ),
    ];
    for (const folder of config.storage.folders.filter((f) => f.policy === 'pull-only')) {
      checks.push(await datasetCheck(store, prefix, folder.remote, folder.name, signal));
    }
    return checks;
  } catch (error) {
    if (error instanceof TypedError && error.code === 'PRECONDITION_FAILED') {
      return [check('key-identity', 'Key identity', 'fail', error.message, error.fix)];
    }
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'failed';
    return [
      check(
        'key-identity',
        'Key identity',
        'fail',
        `could not check ${where}: ${message}`,
        'Check that the bucket is reachable with these credentials, then run the preflight again.',
      ),
    ];
  }
}

async function datasetCheck(
  store: ObjectStore,
  prefix: string,
  remote: string,
  name: string,
  signal?: AbortSignal,
): Promise<PreflightCheck> {
  const folder = [prefix, remote].filter(Boolean).join('/');
  const objects = await store.list(`${folder}/`, signal);
  if (objects.length === 0) {
    return check(
      'dataset',
      'Dataset',
      'warn',
      `${name}: s3://${store.bucket}/${folder}/ is empty, so training starts without it`,
      `Upload the dataset under s3://${store.bucket}/${folder}/ first, if the training needs it.`,
    );
  }
  const bytes = objects.reduce((sum, o) => sum + o.size, 0);
  const newest = new Date(Math.max(...objects.map((o) => o.lastModifiedMs))).toISOString().slice(0, 10);
  return check(
    'dataset',
    'Dataset',
    'pass',
    `${name}: ${objects.length} object(s), ${formatBytes(bytes)}, newest ${newest}`,
  );
}
