import { homedir } from 'node:os';

import { resolveConfigPaths } from '../config/resolve-config-paths';
import type { Handlers } from '../core/router';
import { runExposure } from '../trust/run-exposure';
import type { TrustGate } from '../trust/trust-gate';
import type { RunService } from './run-service';

type StartRequest = Parameters<Handlers['runs.start']>[0];

type RunCommand =
  | 'runs.start'
  | 'runs.retry'
  | 'runs.list'
  | 'runs.get'
  | 'runs.cancel'
  | 'runs.pushNow'
  | 'runs.newestCheckpoint'
  | 'runs.unfinished'
  | 'runs.reattach';

/**
 * Thin handlers of the run commands; handlers.ts spreads them into the table. The UI sends
 * configs whose paths may start with "~/"; a relative one is taken from the user's home folder.
 * Every start is confirmed by the trust gate first: the window is untrusted.
 */
export function runHandlers(runs: RunService, trust: TrustGate): Pick<Handlers, RunCommand> {
  const start = async ({ config, backend, host }: StartRequest) => {
    // config.sshHost is the one source of the machine (a `host` sent beside the config replaces
    // it), so the run reads the same identity file as preflight, resolved the same way.
    const resolved = resolveConfigPaths(host ? { ...config, sshHost: host } : config, homedir());
    // Nothing starts before the user allowed it outside the window (see TrustGate.confirmRun).
    await trust.confirmRun(runExposure(resolved, backend));
    return runs.start({
      config: resolved,
      baseDir: homedir(),
      backend,
      ...(resolved.sshHost ? { host: resolved.sshHost } : {}),
    });
  };
  return {
    'runs.start': start,
    // The recorded settings go the way a Launch goes: the same gate asks again, for this start.
    'runs.retry': ({ runId }) => start(runs.recordedStart(runId)),
    'runs.list': () => runs.list(),
    'runs.get': ({ runId }) => runs.get(runId),
    'runs.cancel': ({ runId }) => ({ cancelled: runs.cancel(runId) }),
    'runs.pushNow': ({ runId, folders }) => runs.pushNow(runId, folders ?? ['checkpoints']),
    'runs.newestCheckpoint': async ({ runId }) => {
      const newest = await runs.newestCheckpoint(runId);
      return newest ? { newest } : {};
    },
    // Priced as the monitor prices a running instance, within a bounded wait ("being read" past it).
    'runs.unfinished': async () => [...(await runs.unfinishedPriced()), ...runs.underWay()],
    'runs.reattach': ({ runId, stop }) => runs.reattach(runId, { stop: stop ?? false }),
  };
}
