// Remote paths are POSIX whatever the desktop's OS (eslint.config.js holds this file to it).
import { join } from 'node:path/posix';

import type { ExecutorSpec } from '../../shared/executor/protocol';
import { logsFolderOf, RUN_LOG_FILES, runFolders } from '../../shared/executor/run-folders';

/**
 * Where everything lives in the run's work folder on the instance. The desktop uses the
 * same function to know which paths to upload to and tail. The logs are the run's own
 * (`data/logs/<run-id>/`), never an earlier run's.
 */
export function workLayout(workDir: string, spec: Pick<ExecutorSpec, 'storage' | 'runId'>) {
  const dataDir = join(workDir, 'data');
  const folders = runFolders(spec.storage.folders, spec.runId);
  const logsDir = join(dataDir, logsFolderOf(folders)?.local ?? join('logs', spec.runId));
  return {
    workDir,
    specFile: join(workDir, 'spec.json'),
    bundle: join(workDir, 'executor.mjs'),
    bootstrap: join(workDir, 'bootstrap.sh'),
    pidFile: join(workDir, 'executor.pid'),
    statusFile: join(workDir, 'status.json'),
    /** The pid of a push asked for during training: the final push stops it before it starts. */
    pushNowPidFile: join(workDir, 'push-now.pid'),
    stderrFile: join(workDir, 'executor.err'),
    // Sync figures live outside the pushed folders: a line appended to a file being uploaded fails its upload.
    syncFile: join(workDir, 'sync.jsonl'),
    // The live progress bar, replaced twice a second: outside the pushed folders for the same reason.
    liveBarFile: join(workDir, 'train-live.json'),
    repoDir: join(workDir, 'repo'),
    dataDir,
    /** The folders this run syncs (the logs folder narrowed to the run's own subfolder). */
    folders,
    logsDir,
    /** The folders a push moves (every one but the pull-only ones): the budget measures them. */
    pushDirs: folders.filter((folder) => folder.policy !== 'pull-only').map((folder) => join(dataDir, folder.local)),
    eventsFile: join(logsDir, RUN_LOG_FILES.events),
    trainLog: join(logsDir, RUN_LOG_FILES.train),
    metricsFile: join(logsDir, RUN_LOG_FILES.metrics),
  };
}

/** The layout's type. */
export type WorkLayout = ReturnType<typeof workLayout>;
