import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import type { ServerFrame } from '../../shared/ipc/wire';
import { type Core, createCore } from '../composition/create-core';
import { silentLogger } from '../core/logger';
import { yesTrustGate } from '../trust/testing/yes-trust-gate';
import { startWebHost, type WebHost } from './server';

let core: Core;
let host: WebHost;
let rendererDir: string;

beforeEach(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'traindeck-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>TrainDeck</title>');
  core = createCore({
    trust: yesTrustGate(),
    transport: 'web',
    isTrusted: (s) => s.transport === 'web' && s.authenticated,
    log: silentLogger,
    projectRoot: process.cwd(),
    env: { TRAINDECK_DATA_DIR: rendererDir },
  });
  host = await startWebHost({ core, rendererDir, log: silentLogger });
});
afterEach(() => host.close());

const wsUrl = (token?: string) =>
  `ws://127.0.0.1:${host.port}/ipc${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;

/** Resolves with the HTTP status of a refused upgrade, or 101 when it opened. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

/** An authenticated client that collects frames. */
async function connect() {
  const ws = new WebSocket(wsUrl(host.token), { headers: { origin: `http://127.0.0.1:${host.port}` } });
  const frames: ServerFrame[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as ServerFrame);
    waiters.splice(0).forEach((wake) => wake());
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const next = async (match: (frame: ServerFrame) => boolean): Promise<ServerFrame> => {
    for (;;) {
      const found = frames.find(match);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  let id = 0;
  const invoke = async (command: string, payload: unknown) => {
    const frameId = ++id;
    ws.send(JSON.stringify({ type: 'invoke', id: frameId, command, payload }));
    const frame = await next((f) => f.type === 'result' && f.id === frameId);
    return frame.type === 'result' ? frame.result : undefined;
  };
  return { ws, frames, next, invoke };
}

describe('browser host: who may connect', () => {
  it('refuses a WebSocket without the token (401)', async () => {
    expect(await upgradeStatus(wsUrl())).toBe(401);
  });

  it('refuses a wrong token (401), including one of the right length', async () => {
    expect(await upgradeStatus(wsUrl('nope'))).toBe(401);
    expect(await upgradeStatus(wsUrl('x'.repeat(host.token.length)))).toBe(401);
  });

  it('refuses another site open in the browser even with the token (403)', async () => {
    expect(await upgradeStatus(wsUrl(host.token), { origin: 'https://evil.example' })).toBe(403);
  });

  it('refuses a foreign Host header, defeating DNS rebinding (421)', async () => {
    expect(await upgradeStatus(wsUrl(host.token), { host: `evil.example:${host.port}` })).toBe(421);
  });

  it('accepts the token from its own origin', async () => {
    expect(await upgradeStatus(wsUrl(host.token), { origin: `http://localhost:${host.port}` })).toBe(101);
  });

  it('answers /session with 204 for the token and 401 otherwise', async () => {
    const status = (auth?: string) =>
      fetch(`http://127.0.0.1:${host.port}/session`, { headers: auth ? { authorization: auth } : {} }).then(
        (r) => r.status,
      );
    expect(await status(`Bearer ${host.token}`)).toBe(204);
    expect(await status('Bearer wrong')).toBe(401);
    expect(await status()).toBe(401);
  });

  it('listens on loopback only', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
  });
});

describe('browser host: the contract over the wire', () => {
  it('greets, then answers a round trip with the web transport', async () => {
    const client = await connect();
    expect(await client.next((f) => f.type === 'hello')).toEqual({
      type: 'hello',
      protocol: 1,
      host: host.transport.instance,
    });
    expect(await client.invoke('app.info', {})).toMatchObject({
      ok: true,
      value: { transport: 'web', productName: 'TrainDeck' },
    });
    expect(await client.invoke('app.ping', { echo: 'hi' })).toMatchObject({ ok: true, value: { echo: 'hi' } });
    client.ws.close();
  });

  it('restarted on the same port with the same token, takes the page back and says it is a new host', async () => {
    const { port, token, transport } = host;
    await host.close();
    host = await startWebHost({
      core,
      rendererDir: mkdtempSync(join(tmpdir(), 'traindeck-renderer-')),
      log: silentLogger,
      port,
      token,
    });
    expect(host.port).toBe(port);
    const client = await connect();
    const hello = await client.next((f) => f.type === 'hello');
    expect(hello).toMatchObject({ type: 'hello', protocol: 1 });
    expect(hello.type === 'hello' && hello.host).not.toBe(transport.instance);
    expect(await client.invoke('app.ping', { echo: 'back' })).toMatchObject({ ok: true, value: { echo: 'back' } });
    client.ws.close();
  });

  it('answers an unknown command and an invalid payload with typed errors, and stays up', async () => {
    const client = await connect();
    expect(await client.invoke('shell.exec', { cmd: 'rm -rf /' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_COMMAND' },
    });
    expect(await client.invoke('app.ping', { echo: 7 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await client.invoke('app.ping', { echo: 'still here' })).toMatchObject({ ok: true });
    client.ws.close();
  });

  it('closes a connection that sends an unreadable frame, and serves the next one', async () => {
    const client = await connect();
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    client.ws.send('{not json');
    expect(await closed).toBe(4400);
    const again = await connect();
    expect(await again.invoke('app.info', {})).toMatchObject({ ok: true });
    again.ws.close();
  });

  it('pushes events from services to every connected page', async () => {
    const [a, b] = [await connect(), await connect()];
    core.notifications.notify('success', 'Sync verified', '42 objects match');
    for (const client of [a, b]) {
      const frame = await client.next((f) => f.type === 'event');
      expect(frame).toMatchObject({ type: 'event', event: 'app.notification', payload: { title: 'Sync verified' } });
      client.ws.close();
    }
  });
});

describe('browser host: static files', () => {
  it('serves the renderer with the CSP and security headers', async () => {
    const response = await fetch(`http://127.0.0.1:${host.port}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('TrainDeck');
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const path of ['/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%E0%A4%A']) {
      const response = await fetch(`http://127.0.0.1:${host.port}${path}`);
      expect(response.status, path).toBe(404);
    }
  });

  it('never follows a symbolic link out of the renderer folder', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'traindeck-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'SECRET');
    symlinkSync(join(outside, 'secret.txt'), join(rendererDir, 'leak.txt'));
    symlinkSync(outside, join(rendererDir, 'assets'));
    for (const path of ['/leak.txt', '/assets/secret.txt']) {
      const response = await fetch(`http://127.0.0.1:${host.port}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('SECRET');
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await fetch(`http://127.0.0.1:${host.port}/`, { method: 'POST' })).status).toBe(405);
  });
});
