import type { PushNowFolder, PushNowResult } from '../../../shared/executor/protocol';
import { folderPrefix } from '../../../shared/sync/keys';
import type { ObjectStore } from '../../aws/ports/object-store';
import type { WorkLayout } from '../../executor/work-layout';
import type { RemoteHost } from '../../host/remote-host';
import { execExecutorPush } from './executor-push';
import type { FollowToEndInput } from './follow-to-end';

/** What the user may ask of a run while it trains (set while its executor is followed, else absent). */
export interface RunControls {
  pushNow?(folders: readonly PushNowFolder[], signal: AbortSignal): Promise<PushNowResult>;
  /** The newest checkpoint in S3, listed by the desktop itself. */
  newestCheckpoint?(signal: AbortSignal): Promise<{ key: string; at: string } | undefined>;
}

/**
 * The push during training: `executor.mjs push --folder …` runs beside the training (its own
 * process; the training and the executor are not touched). Exit 1 still carries its result
 * (some files failed); anything else is an error with the executor's sentence.
 */
export async function pushNowOnMachine(
  host: RemoteHost,
  input: Pick<FollowToEndInput, 'secrets' | 'identity'> & { layout: WorkLayout },
  folders: readonly PushNowFolder[],
  signal: AbortSignal,
): Promise<PushNowResult> {
  const { result } = await execExecutorPush<PushNowResult>(host, input.layout, input.secrets, input.identity, {
    folders,
    signal,
  });
  return result;
}

/**
 * The newest checkpoint in S3 (by the object's time in S3), listed by the desktop itself; undefined
 * when the run has no checkpoints folder or it is empty.
 */
export async function newestCheckpoint(
  store: Pick<ObjectStore, 'list'>,
  storage: Pick<FollowToEndInput['storage'], 'prefix' | 'folders'>,
  signal?: AbortSignal,
): Promise<{ key: string; at: string } | undefined> {
  const folder = storage.folders.find((f) => f.name === 'checkpoints');
  if (!folder) return undefined;
  const objects = await store.list(folderPrefix(storage.prefix, folder.remote), signal);
  const newest = objects.reduce<(typeof objects)[number] | undefined>(
    (best, o) => (best && best.lastModifiedMs >= o.lastModifiedMs ? best : o),
    undefined,
  );
  return newest ? { key: newest.key, at: new Date(newest.lastModifiedMs).toISOString() } : undefined;
}
