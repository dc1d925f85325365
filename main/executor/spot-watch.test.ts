import { createServer, type Server } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FakeClock } from '../aws/testing/fake-clock';
import { type ImdsFetch, watchSpotInterruption } from './spot-watch';

let server: Server;
let base: string;
let noticeIssued = false;
const NOTICE = '{"action": "terminate", "time": "2026-11-24T10:02:00Z"}';
const tokens: string[] = [];
beforeAll(async () => {
  // IMDSv2 as EC2 serves it: a PUT for a token, then the notice path (404 until a reclaim).
  server = createServer((request, response) => {
    if (request.method === 'PUT' && request.url === '/latest/api/token') return response.end('token-1');
    if (request.url === '/latest/meta-data/spot/instance-action') {
      tokens.push(String(request.headers['x-aws-ec2-metadata-token']));
      if (!noticeIssued) return response.writeHead(404).end();
      return response.end('{"action":"terminate","time":"2026-11-24T14:00:00Z"}');
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => {
  // A failed test may leave the watcher's keep-alive connection open: close it, or close() waits for ever.
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A fake IMDSv2: 401 without a token, 404 until `interruptAt`, then the notice. */
function fakeImds(clock: FakeClock, interruptAt: number) {
  const calls: string[] = [];
  const fetch: ImdsFetch = async (url, init) => {
    calls.push(`${init.method} ${url.replace('http://169.254.169.254', '')}`);
    if (init.method === 'PUT') return { status: 200, text: async () => 'TOKEN-1\n' };
    if (init.headers['X-aws-ec2-metadata-token'] !== 'TOKEN-1') return { status: 401, text: async () => '' };
    return clock.now() >= interruptAt
      ? { status: 200, text: async () => NOTICE }
      : { status: 404, text: async () => '<html>Not Found</html>' };
  };
  return { fetch, calls };
}

describe('spot interruption watch (IMDSv2)', () => {
  it('executor watch: token PUT first, polls every 5 s, calls back once at the notice (injected clock)', async () => {
    const clock = new FakeClock(0);
    const imds = fakeImds(clock, 60_000);
    const seen: unknown[] = [];
    const notice = await watchSpotInterruption({
      fetch: imds.fetch,
      sleep: clock.sleep,
      signal: new AbortController().signal,
      onInterruption: (n) => seen.push(n),
    });
    expect(notice).toEqual({ action: 'terminate', time: '2026-11-24T10:02:00Z' });
    expect(seen).toHaveLength(1);
    expect(clock.now()).toBe(60_000);
    expect(imds.calls[0]).toBe('PUT /latest/api/token');
    expect(imds.calls.filter((c) => c.startsWith('PUT'))).toHaveLength(1);
    expect(imds.calls.filter((c) => c === 'GET /latest/meta-data/spot/instance-action')).toHaveLength(13);
  });

  it('IMDS unreachable (off EC2) is retried, never thrown; abort ends the watch', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    let calls = 0;
    const fetch: ImdsFetch = async () => {
      if (++calls === 5) controller.abort();
      throw new TypeError('fetch failed');
    };
    await expect(
      watchSpotInterruption({ fetch, sleep: clock.sleep, signal: controller.signal, onInterruption: () => {} }),
    ).resolves.toBeUndefined();
    expect(calls).toBe(5);
  });

  it('stays quiet while the notice path answers 404, and reports the notice once it appears', async () => {
    const controller = new AbortController();
    const notice = new Promise<unknown>((resolve) => {
      void watchSpotInterruption({
        signal: controller.signal,
        imdsBase: base,
        intervalMs: 20,
        onInterruption: resolve,
      });
    });
    // Several polls, each with the one token, and no notice yet (waits for the polls, not for a fixed time:
    // a busy machine may take longer than 100 ms for two 20-ms rounds).
    for (let waited = 0; tokens.length < 3 && waited < 10_000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.every((t) => t === 'token-1')).toBe(true);
    noticeIssued = true;
    expect(await notice).toEqual({ action: 'terminate', time: '2026-11-24T14:00:00Z' });
    controller.abort();
  });
});
