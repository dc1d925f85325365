import { homedir } from 'node:os';
import type { Handlers } from '../core/router';
import type { RunService } from './run-service';

type RunCommand = 'runs.start' | 'runs.list' | 'runs.get' | 'runs.cancel';

/**
 * Thin handlers of the run commands; handlers.ts spreads them into the table. The UI sends
 * configs with absolute paths; a relative one is taken from the user's home folder.
 */
export function runHandlers(runs: RunService): Pick<Handlers, RunCommand> {
  return {
    'runs.start': ({ config, backend, host }) => runs.start({ config, baseDir: homedir(), backend, ...(host ? { host } : {}) }),
    'runs.list': () => runs.list(),
    'runs.get': ({ runId }) => runs.get(runId),
    'runs.cancel': ({ runId }) => ({ cancelled: runs.cancel(runId) }),
  };
}
