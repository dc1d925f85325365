import { createServer, type Server } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { watchSpotNotice } from './spot-watch';

let server: Server;
let base: string;
let noticeIssued = false;
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

describe('spot interruption watch (IMDSv2)', () => {
  it('stays quiet while the notice path answers 404, and reports the notice once it appears', async () => {
    const controller = new AbortController();
    const notice = new Promise<string>((resolve) =>
      watchSpotNotice({ signal: controller.signal, imdsBase: base, intervalMs: 20, onNotice: resolve }),
    );
    // Several polls, each with the one token, and no notice yet (waits for the polls, not for a fixed time:
    // a busy machine may take longer than 100 ms for two 20-ms rounds).
    for (let waited = 0; tokens.length < 3 && waited < 10_000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.every((t) => t === 'token-1')).toBe(true);
    noticeIssued = true;
    expect(JSON.parse(await notice)).toEqual({ action: 'terminate', time: '2026-11-24T14:00:00Z' });
    controller.abort();
  });
});
