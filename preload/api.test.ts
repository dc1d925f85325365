import { describe, expect, it, vi } from 'vitest';

import { commandChannel, eventChannel } from '../shared/ipc/channels';
import type { CommandName, EventName } from '../shared/ipc/contract';
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
