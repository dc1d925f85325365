import { withinAnswerLimit } from '../../../shared/ipc/answer-limits';
import type { TrainDeckApi } from '../../../shared/ipc/api';
import { isEventName } from '../../../shared/ipc/events';
import { fail, type Result } from '../../../shared/ipc/result';
import { type ServerFrame, WIRE_PATH, WIRE_PROTOCOL, WIRE_TOKEN_PARAM } from '../../../shared/ipc/wire';
import { type ConnectionState, StateCell, type Transport } from './connection';

/** Reconnect backoff: 0.5 s doubling to 10 s, with jitter. */
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 10_000;
/** After a restart with a new token, how often to ask whether this tab's token works again. */
const TOKEN_RECHECK_MS = 5_000;

/** Said when the host came back but no longer accepts this tab's token. */
const RESTARTED_WITH_NEW_TOKEN =
  'TrainDeck restarted with a new access token, so this tab’s link no longer works. Open the new link it printed, or restart it with the `--token-file` and `--port` it used before: this tab then reconnects by itself.';

interface Pending {
  resolve: (result: Result<never>) => void;
}

/**
 * The browser host's transport: the contract over a WebSocket to the page's own origin,
 * authenticated by the per-launch token. Reconnects by itself; commands sent while
 * disconnected fail at once with UNAVAILABLE rather than queueing behind a dead socket.
 */
export function webTransport(location: { protocol: string; host: string }, token: string | undefined): Transport {
  const state = new StateCell<ConnectionState>({ status: 'connecting' });
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: never) => void>>();
  let socket: WebSocket | undefined;
  let nextId = 1;
  let attempt = 0;
  // Once this tab has been in, a refused token means the host restarted with a new one.
  let wasConnected = false;

  const failAll = (message: string) => {
    for (const [id, entry] of pending) {
      entry.resolve(fail({ code: 'UNAVAILABLE', message }) as Result<never>);
      pending.delete(id);
    }
  };

  const onFrame = (frame: ServerFrame) => {
    if (frame.type === 'hello') {
      if (frame.protocol !== WIRE_PROTOCOL) {
        state.set({ status: 'unauthorized', message: 'This page is from another TrainDeck version. Reload it.' });
        // Close so no command goes to a host that speaks another protocol; onclose will not retry.
        socket?.close();
        return;
      }
      // Connected only now: no command may go out before the protocol is known to match.
      attempt = 0;
      wasConnected = true;
      state.set(typeof frame.host === 'string' ? { status: 'connected', host: frame.host } : { status: 'connected' });
      return;
    }
    if (frame.type === 'result') {
      const entry = pending.get(frame.id);
      if (!entry) return;
      pending.delete(frame.id);
      entry.resolve(frame.result as Result<never>);
      return;
    }
    for (const listener of listeners.get(frame.event) ?? []) listener(frame.payload as never);
  };

  const scheduleReconnect = async () => {
    attempt += 1;
    if (token && !(await tokenAccepted(token))) {
      state.set({
        status: 'unauthorized',
        message: wasConnected
          ? RESTARTED_WITH_NEW_TOKEN
          : 'This link is not valid for the running TrainDeck. Open the URL printed by `npm run start:web`.',
      });
      // It may be restarted again with this tab's token (`--token-file`): keep asking, slowly.
      if (wasConnected) setTimeout(() => void scheduleReconnect(), TOKEN_RECHECK_MS);
      return;
    }
    // Back from a refused token: the host answered just now, so connect at once.
    if (state.get().status === 'unauthorized') attempt = 0;
    const retryInMs =
      attempt === 0 ? 0 : Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
    state.set({ status: 'reconnecting', attempt, retryInMs });
    setTimeout(connect, retryInMs);
  };

  const connect = () => {
    if (!token) {
      state.set({
        status: 'unauthorized',
        message: 'This page was opened without its access token. Open the URL printed by `npm run start:web`.',
      });
      return;
    }
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(
      `${scheme}//${location.host}${WIRE_PATH}?${WIRE_TOKEN_PARAM}=${encodeURIComponent(token)}`,
    );
    socket = ws;
    ws.onmessage = (message) => {
      try {
        onFrame(JSON.parse(String(message.data)) as ServerFrame);
      } catch {
        // A frame we cannot read is dropped; the host only sends what the wire type allows.
      }
    };
    ws.onclose = () => {
      socket = undefined;
      failAll('Lost the connection to TrainDeck; reconnecting.');
      // A version mismatch is final: retrying would only overwrite the message that says so.
      if (state.get().status === 'unauthorized') return;
      void scheduleReconnect();
    };
  };

  // Same-origin check of the token, so a wrong link says so instead of retrying forever.
  const tokenAccepted = async (candidate: string) => {
    try {
      const response = await fetch('/session', {
        headers: { authorization: `Bearer ${candidate}` },
        cache: 'no-store',
        // A host that accepts and never answers must not stop the reconnect loop.
        signal: AbortSignal.timeout(5_000),
      });
      return response.status !== 401;
    } catch {
      return true; // Host unreachable: keep retrying; it may be restarting.
    }
  };

  const api: TrainDeckApi = {
    invoke(command, request) {
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        return Promise.resolve(
          fail({ code: 'UNAVAILABLE', message: 'Not connected to TrainDeck right now; reconnecting.' }),
        );
      }
      const id = nextId++;
      const ws = socket;
      // A command with no answer after its limit fails with TIMEOUT instead of hanging the UI.
      return withinAnswerLimit(
        command,
        new Promise((resolve) => {
          pending.set(id, { resolve: resolve as Pending['resolve'] });
          ws.send(JSON.stringify({ type: 'invoke', id, command, payload: request }));
        }),
        () => pending.delete(id),
      );
    },
    subscribe(event, listener) {
      if (!isEventName(event)) throw new TypeError(`Unknown event "${String(event)}".`);
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };

  connect();
  return { kind: 'web', api, getState: () => state.get(), onState: (listener) => state.subscribe(listener) };
}
