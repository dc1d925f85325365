import { afterEach, describe, expect, it, vi } from 'vitest';

import { answerLimitMs, PUSH_NOW_LIMIT_MS } from '../shared/ipc/answer-limits';
import { commandChannel, eventChannel } from '../shared/ipc/channels';
import { COMMAND_NAMES, type CommandName, type EventName } from '../shared/ipc/contract';
import type { Result } from '../shared/ipc/result';
import { createPreloadApi, type IpcRendererLike } from './api';

function fakeIpc() {
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const ipc: IpcRendererLike & { emit(channel: string, payload: unknown): void } = {
    invoke: vi.fn(async (_channel: string, payload: unknown) => ({ ok: true, value: payload })),
    on: (channel, listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
    emit: (channel, payload) =>
      listeners.get(channel)?.forEach((listener) => listener({ sender: 'electron-internals' }, payload)),
  };
  return ipc;
}

describe('preload API (window.traindeck)', () => {
  it('exposes exactly invoke and subscribe, frozen', () => {
    const api = createPreloadApi(fakeIpc());
    expect(Object.keys(api).sort()).toEqual(['invoke', 'subscribe']);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('sends a contract command on its channel', async () => {
    const ipc = fakeIpc();
    const result = await createPreloadApi(ipc).invoke('app.ping', { echo: 'hi' });
    expect(ipc.invoke).toHaveBeenCalledWith(commandChannel('app.ping'), { echo: 'hi' });
    expect(result).toEqual({ ok: true, value: { echo: 'hi' } });
  });

  it('refuses an unknown channel without reaching main', async () => {
    const ipc = fakeIpc();
    const api = createPreloadApi(ipc);
    for (const name of ['shell.openExternal', 'toString', '__proto__']) {
      const result = await api.invoke(name as CommandName, {} as never);
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    }
    expect(ipc.invoke).not.toHaveBeenCalled();
    expect(() => api.subscribe('ipc.anything' as EventName, () => {})).toThrow(/Unknown event/);
  });

  it('turns a failed delivery into UNAVAILABLE instead of throwing into the page', async () => {
    const ipc = fakeIpc();
    ipc.invoke = vi.fn(async () => {
      throw new Error('render frame was disposed');
    });
    expect(await createPreloadApi(ipc).invoke('app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
  });

  it('delivers event payloads without the Electron event object, until unsubscribed', () => {
    const ipc = fakeIpc();
    const seen: unknown[][] = [];
    const unsubscribe = createPreloadApi(ipc).subscribe('app.navigate', (...args: unknown[]) => seen.push(args));
    ipc.emit(eventChannel('app.navigate'), { page: 'costs' });
    unsubscribe();
    ipc.emit(eventChannel('app.navigate'), { page: 'runs' });
    expect(seen).toEqual([[{ page: 'costs' }]]);
  });
});

// Invariant: the Electron transport waits for each command exactly as long as the browser page does
// (shared/ipc/answer-limits.ts): never less than main's own bound (a long "push now" is not read as failed
// while it runs), and never for ever (a main that does not answer does not hang the page). Fake timers:
// nothing here waits for real; Electron itself is not needed (the preload takes any ipcRenderer).
describe('preload API answer limits', () => {
  afterEach(() => vi.useRealTimers());

  /** The preload over an ipcRenderer that answers only when told; `settled` is the page's answer, once it has one. */
  function silentMain() {
    const ipc = fakeIpc();
    const answers: Array<(result: Result<unknown>) => void> = [];
    ipc.invoke = vi.fn(() => new Promise((resolve) => answers.push(resolve)));
    const api = createPreloadApi(ipc);
    const invoke = (command: CommandName) => {
      const seen: { settled?: Result<unknown> } = {};
      void api.invoke(command, {} as never).then((result) => (seen.settled = result));
      return seen;
    };
    return { invoke, answers };
  }

  it('a command main never answers fails at its limit with a sentence and a fix', async () => {
    vi.useFakeTimers();
    const { invoke } = silentMain();
    const info = invoke('app.info');
    await vi.advanceTimersByTimeAsync(answerLimitMs('app.info') - 1);
    expect(info.settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(info.settled).toEqual({
      ok: false,
      error: {
        code: 'TIMEOUT',
        message: '"app.info" got no answer within 30 s.',
        fix: expect.stringMatching(/^TrainDeck may still be doing it: .+ restart TrainDeck if nothing answers\.$/),
      },
    });
  });

  it('a push now that runs for 59 minutes is waited for, and its answer reaches the page', async () => {
    vi.useFakeTimers();
    const { invoke, answers } = silentMain();
    const push = invoke('runs.pushNow');
    await vi.advanceTimersByTimeAsync(PUSH_NOW_LIMIT_MS - 60_000);
    expect(push.settled).toBeUndefined();
    answers[0]!({ ok: true, value: 'pushed' });
    await vi.advanceTimersByTimeAsync(0);
    expect(push.settled).toEqual({ ok: true, value: 'pushed' });
    // Answered: no timer is left waiting for the hour.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('every command of the contract times out at the same limit as on the browser page', async () => {
    vi.useFakeTimers();
    const { invoke } = silentMain();
    for (const command of COMMAND_NAMES) {
      const call = invoke(command);
      await vi.advanceTimersByTimeAsync(answerLimitMs(command) - 1);
      expect(call.settled, command).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(call.settled, command).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    }
  });
});
