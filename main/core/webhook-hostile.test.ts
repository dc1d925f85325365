import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';

import { webhookUrlProblem, webhookUrlShown } from '../../shared/notify/webhook';
import { postWebhook } from './webhook-post';

// Invariants: whatever the webhook's server answers, a post ends (bounded), holds no more than a
// little of the answer in memory, follows no redirect, and its outcome never carries the URL's
// secret (its path): not even when the server's own words (the status line) quote it back. And the
// page's view of a kept URL never shows the secret, whatever separator the URL uses.

const SECRET = 'T000-B000-XXXXXXXXsecretXXXXXXXX';
const message = {
  level: 'info' as const,
  title: 'Training finished',
  body: 'Run r1 finished.',
  at: '2026-12-06T03:00:00.000Z',
};

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('postWebhook against a hostile server', () => {
  it('a status line quoting the request path back: the outcome says the status, never the secret', async () => {
    const base = await serve((req, res) => {
      res.statusMessage = `No hook at ${req.url}`;
      res.writeHead(404).end();
    });
    const outcome = await postWebhook({ url: `${base}/services/${SECRET}`, format: 'json' }, message);
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/answered 404 Not Found$/) });
    expect(JSON.stringify(outcome)).not.toContain(SECRET);
  });

  it('a redirect (to plain http elsewhere) is not followed and is said as what it is', async () => {
    let followed = 0;
    const elsewhere = await serve((_req, res) => {
      followed++;
      res.writeHead(200).end();
    });
    const base = await serve((_req, res) => res.writeHead(302, { location: `${elsewhere}/stolen` }).end());
    const outcome = await postWebhook({ url: `${base}/services/${SECRET}`, format: 'slack' }, message);
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/answered 302 Found \(a redirect, not followed\)$/),
      fix: expect.stringMatching(/moved/),
    });
    expect(followed).toBe(0);
    expect(JSON.stringify(outcome)).not.toContain(SECRET);
  });

  it('a 200 with an endless body: the post is done at the status, the body is not read to its end', async () => {
    const MiB = 1024 * 1024;
    let finished = false;
    const base = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(MiB, 0x61);
      for (let sent = 0; sent < 256 && !res.destroyed; sent++) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      }
      if (!res.destroyed) res.end(() => (finished = true));
    });
    const outcome = await postWebhook({ url: `${base}/hook/${SECRET}`, format: 'json' }, message, {
      timeoutMs: 30_000,
    });
    expect(outcome).toEqual({ ok: true });
    // Give the server's loop a moment to notice the closed connection before judging it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(finished).toBe(false);
  });
});

describe('webhookUrlShown never shows an accepted URL’s secret', () => {
  const hosts = ['hooks.slack.com', 'ntfy.sh', 'example.com:8443', 'HOOKS.Example.COM'];
  const separators = ['/', '\\', '?', '#', '/\\', '\\/', '?x=', '#/'];

  it('property: any host, any separator the URL parser knows, any secret (seed 42)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...hosts),
        fc.constantFrom(...separators),
        fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/),
        (host, separator, secret) => {
          const url = `https://${host}${separator}${secret}`;
          if (webhookUrlProblem(url)) return;
          expect(webhookUrlShown(url).toLowerCase()).not.toContain(secret.toLowerCase());
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('shrunk counterexample: a backslash after the host (the URL parser reads it as a slash)', () => {
    const url = `https://hooks.slack.com\\services\\${SECRET}`;
    // Either refused with a sentence, or kept and shown as its host only.
    const problem = webhookUrlProblem(url);
    if (problem) expect(problem.message).toMatch(/\.$/);
    else expect(webhookUrlShown(url)).toBe('hooks.slack.com/…');
    expect(new URL(url).pathname).toBe(`/services/${SECRET}`);
  });
});
