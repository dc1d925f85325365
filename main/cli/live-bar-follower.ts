import type { LiveBarRecord } from '../../shared/executor/protocol';
import { realSleep, type Sleep } from '../core/sleep';
import type { RemoteShell } from '../host/remote-host';
import { readLiveBar } from '../monitor/live-bar-reader';
import { shellTailSource } from '../monitor/tail-source';
import type { RunObserver } from '../runs/pipeline/run-observer';

/** The executor rewrites the bar at most twice a second; once a second is live enough for a terminal. */
const POLL_MS = 1000;

/**
 * A {@link RunObserver} for the CLI: while the run trains, reads the executor's live bar
 * (`WORK/train-live.json`, the file the desktop's monitor reads) through the run's own
 * connection once a second and hands each new state to `onBar`. A read that fails (SSH down,
 * timeout) is skipped; a reconnect swaps the connection; `ended` (or {@link stop}) ends the loop
 * and `onEnd` is told, so the caller removes its status line.
 */
export function liveBarFollower(
  onBar: (record: LiveBarRecord) => void,
  onEnd: () => void,
  options: { pollMs?: number; sleep?: Sleep } = {},
): RunObserver & { stop(): void } {
  const sleep = options.sleep ?? realSleep;
  const runs = new Map<string, { shell: RemoteShell; stop: AbortController }>();

  const follow = async (run: { shell: RemoteShell }, path: string, signal: AbortSignal) => {
    // Reads through whatever connection the run has now (reconnected swaps it).
    const shell: RemoteShell = { exec: (command, execOptions) => run.shell.exec(command, execOptions) };
    const source = shellTailSource(shell, path);
    let last: LiveBarRecord | undefined;
    while (!signal.aborted) {
      const record = await readLiveBar(source, signal).catch(() => undefined);
      if (record && !signal.aborted && (record.at !== last?.at || record.text !== last.text)) {
        last = record;
        onBar(record);
      }
      await sleep(options.pollMs ?? POLL_MS, signal).catch(() => undefined);
    }
  };
  const end = (runId: string) => {
    const run = runs.get(runId);
    if (!run) return;
    run.stop.abort();
    runs.delete(runId);
    onEnd();
  };

  return {
    trainingStarted(runId, host, paths) {
      if (!paths.liveBar || runs.has(runId)) return;
      const run = { shell: host as RemoteShell, stop: new AbortController() };
      runs.set(runId, run);
      void follow(run, paths.liveBar, run.stop.signal);
    },
    reconnected(runId, host) {
      const run = runs.get(runId);
      if (run) run.shell = host;
    },
    ended: end,
    stop() {
      for (const runId of [...runs.keys()]) end(runId);
    },
  };
}
