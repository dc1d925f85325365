// Remote paths are POSIX whatever the desktop's OS (eslint.config.js holds this file to it).
import { join } from 'node:path/posix';
import type { ExecutorSpec } from '../../shared/executor/protocol';

/**
 * Where everything lives in the run's work folder on the instance. The desktop uses the
 * same function to know which paths to upload to and tail.
 */
export function workLayout(workDir: string, spec: Pick<ExecutorSpec, 'storage'>) {
  const dataDir = join(workDir, 'data');
  const logsFolder =
    spec.storage.folders.find((f) => f.name === 'logs') ?? spec.storage.folders.find((f) => f.policy === 'local-wins');
  const logsDir = join(dataDir, logsFolder?.local ?? 'logs');
  return {
    workDir,
    specFile: join(workDir, 'spec.json'),
    bundle: join(workDir, 'executor.mjs'),
    bootstrap: join(workDir, 'bootstrap.sh'),
    pidFile: join(workDir, 'executor.pid'),
    nodePathFile: join(workDir, 'node-path'),
    statusFile: join(workDir, 'status.json'),
    stderrFile: join(workDir, 'executor.err'),
    // Sync figures live outside the pushed folders: a line appended to a file being uploaded fails its upload.
    syncFile: join(workDir, 'sync.jsonl'),
    repoDir: join(workDir, 'repo'),
    dataDir,
    logsDir,
    eventsFile: join(logsDir, 'executor.jsonl'),
    trainLog: join(logsDir, 'train.log'),
  };
}

/** The layout's type. */
export type WorkLayout = ReturnType<typeof workLayout>;
