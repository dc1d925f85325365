import { withinAnswerLimit } from '../shared/ipc/answer-limits';
import type { TrainDeckApi } from '../shared/ipc/api';
import { COMMAND_CHANNELS, commandChannel, EVENT_CHANNELS, eventChannel } from '../shared/ipc/channels';
import { fail, type Result } from '../shared/ipc/result';

/** The part of Electron's ipcRenderer the bridge uses; a fake implements it in tests. */
export interface IpcRendererLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/**
 * Builds `window.traindeck`: exactly `invoke` and `subscribe`. Channels outside the
 * contract's allowlist are refused here, before anything reaches main; the Electron
 * event object never reaches the page.
 */
export function createPreloadApi(ipc: IpcRendererLike): TrainDeckApi {
  const api: TrainDeckApi = {
    async invoke(command, request) {
      const channel = commandChannel(command);
      if (!COMMAND_CHANNELS.has(channel)) {
        return fail({ code: 'UNKNOWN_COMMAND', message: `Unknown command "${String(command).slice(0, 100)}".` });
      }
      try {
        // The same per-command limits as the browser page: a long push waits, a silent main does not hang the UI.
        return await withinAnswerLimit(command, ipc.invoke(channel, request) as Promise<Result<never>>);
      } catch (error) {
        // Main never throws across the bridge; this is Electron failing to deliver.
        return fail({
          code: 'UNAVAILABLE',
          message: `Main process did not answer: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    },
    subscribe(event, listener) {
      const channel = eventChannel(event);
      if (!EVENT_CHANNELS.has(channel)) throw new TypeError(`Unknown event "${String(event).slice(0, 100)}".`);
      const forward = (_event: unknown, payload: unknown) => listener(payload as never);
      ipc.on(channel, forward);
      return () => {
        ipc.removeListener(channel, forward);
      };
    },
  };
  return Object.freeze(api);
}
