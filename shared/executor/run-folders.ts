import type { SyncFolder } from '../run-config/schema';

/** The folder that holds a run's logs: the one named `logs`, else the first local-wins folder. */
export function logsFolderOf(folders: readonly SyncFolder[]): SyncFolder | undefined {
  return folders.find((f) => f.name === 'logs') ?? folders.find((f) => f.policy === 'local-wins');
}

/**
 * The folder mapping a run syncs with: the config's, with the logs folder narrowed to the run's
 * own subfolder on both sides (`logs/<run-id>/` locally and in S3). A run therefore pulls no
 * earlier run's logs, appends to no earlier `train.log`, and its push (and its deletes, which
 * only ever concern what its own baseline saw) never touches another run's logs.
 */
export function runFolders(folders: readonly SyncFolder[], runId: string): SyncFolder[] {
  const logs = logsFolderOf(folders);
  return folders.map((f) =>
    f === logs ? { ...f, local: `${f.local}/${runId}`, remote: `${f.remote}/${runId}` } : { ...f },
  );
}

/** File names inside a run's logs folder (one home for them: executor, desktop follower and monitor). */
export const RUN_LOG_FILES = {
  /** The executor's phase events (`ExecutorEvent` lines). */
  events: 'executor.jsonl',
  /** The training command's output, a time per line. */
  train: 'train.log',
  /** The training's own metrics, by convention (`TRAINDECK_LOGS_DIR/metrics.jsonl`). */
  metrics: 'metrics.jsonl',
} as const;
