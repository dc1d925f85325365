import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { ServerFrame } from '../../../shared/ipc/wire';
import { webTransport } from './web-transport';

/** Just enough of the browser's WebSocket: the test opens, feeds and drops each socket. */
class FakeSocket {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  onmessage: ((message: { data: string }) => void) | undefined;
  onclose: (() => void) | undefined;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(): void {}
  close(): void {
    this.drop();
  }
  open(host: string): void {
    this.readyState = FakeSocket.OPEN;
    this.frame({ type: 'hello', protocol: 1, host });
  }
  frame(frame: ServerFrame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.();
  }
}

/** What `/session` answers: a status, or `down` (the host is not running). */
let session: 204 | 401 | 'down';
const latest = () => FakeSocket.all.at(-1)!;

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  session = 204;
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('fetch', () =>
    session === 'down' ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve({ status: session }),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('web transport across a host restart', () => {
  it('is connected only once the hello arrived, and names the host process', () => {
    const transport = webTransport({ protocol: 'http:', host: '127.0.0.1:7000' }, 'tok');
    expect(latest().url).toBe('ws://127.0.0.1:7000/ipc?token=tok');
    expect(transport.getState()).toEqual({ status: 'connecting' });
    latest().open('first');
    expect(transport.getState()).toEqual({ status: 'connected', host: 'first' });
  });

  it('reconnects to a host restarted with the same token and reports the new host', async () => {
    const transport = webTransport({ protocol: 'http:', host: 'h' }, 'tok');
    latest().open('first');
    session = 'down';
    latest().drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.getState()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    session = 204;
    await vi.advanceTimersByTimeAsync(1_000);
    latest().open('second');
    expect(transport.getState()).toEqual({ status: 'connected', host: 'second' });
  });

  it('says the host restarted with a new token, and comes back by itself if it returns with the old one', async () => {
    const transport = webTransport({ protocol: 'http:', host: 'h' }, 'tok');
    latest().open('first');
    session = 401;
    latest().drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.getState()).toMatchObject({
      status: 'unauthorized',
      message: expect.stringContaining('restarted with a new access token'),
    });
    expect(transport.getState()).toMatchObject({
      message: expect.stringContaining('restart it with the `--token-file` and `--port` it used before'),
    });
    const sockets = FakeSocket.all.length;
    session = 204;
    await vi.advanceTimersByTimeAsync(5_100);
    expect(FakeSocket.all.length).toBe(sockets + 1);
    latest().open('third');
    expect(transport.getState()).toEqual({ status: 'connected', host: 'third' });
  });

  it('a link that never worked says it is not valid, and does not keep asking', async () => {
    const transport = webTransport({ protocol: 'http:', host: 'h' }, 'wrong');
    session = 401;
    latest().drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.getState()).toMatchObject({
      status: 'unauthorized',
      message: expect.stringContaining('This link is not valid'),
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });
});

describe('web transport: how long a command may take', () => {
  // A push of a large checkpoint ran past the page's 30 s: the page said it did not run while it ran.
  it('waits for a push during training as long as main bounds it, and 30 s for the rest', async () => {
    const transport = webTransport({ protocol: 'http:', host: '127.0.0.1:7000' }, 'tok');
    latest().open('first');
    const push = transport.api.invoke('runs.pushNow', { runId: 'r1', folders: ['checkpoints'] });
    const list = transport.api.invoke('runs.list', {});
    await vi.advanceTimersByTimeAsync(30_001);
    expect(await list).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    const report = { folders: ['checkpoints'], uploaded: 1, bytes: 1, skipped: [], failures: [] };
    latest().frame({ type: 'result', id: 1, result: { ok: true, value: report } } as never);
    expect(await push).toEqual({ ok: true, value: report });
  });
});
