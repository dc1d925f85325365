import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { rejection } from '../core/testing/rejection';
import { explainBucketError, explainSyncError } from '../sync/explain';
import { syncRetry, withRetry } from '../sync/retry';
import { SseKey } from '../sync/sse-key';
import { StoreError } from './ports/object-store';
import { createS3Client } from './s3-client';
import { createS3ObjectStore } from './s3-object-store';
import { scriptedServer } from './testing/scripted-http-server';
import { makeTestCertificates, type TestCertificates } from './testing/test-certificates';

// Invariant: on both request paths of the S3 adapter (the SDK's and the lean one: node:https and the
// HTTP/1.1 client), HTTPS trusts what AWS_CA_BUNDLE names (else Node's roots) and nothing else; a
// refused certificate is no network failure (never retried) and is said with its fix (the trust
// store, the endpoint's name, the clock), never as a bucket policy problem.

let certs: TestCertificates;
let dir: string;
let server: Server;
let endpoint: string;
let requests = 0;
beforeAll(async () => {
  certs = makeTestCertificates();
  dir = mkdtempSync(join(tmpdir(), 'traindeck-ca-bundle-'));
  writeFileSync(join(dir, 'ca.pem'), certs.ca);
  // Break-it review: garbage around the one real CA (a block that only looks like a certificate is
  // refused as the client is made: trusted-cas.test.ts, with every other unusable bundle).
  writeFileSync(join(dir, 'garbage-and-ca.pem'), `# comment\n\u0000binary junk\n${certs.ca}trailing junk`);
  symlinkSync(join(dir, 'ca.pem'), join(dir, 'link-to-ca.pem'));
  // S3 as far as these requests go: every object is missing (404 NoSuchKey), said in S3's XML.
  server = createServer(certs.valid, (req, res) => {
    requests += 1;
    req.resume();
    const body = '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>';
    res.writeHead(404, {
      'content-type': 'application/xml',
      'content-length': req.method === 'HEAD' ? 0 : body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const storeOver = (path: 'sdk' | 'lean', env: NodeJS.ProcessEnv) =>
  createS3ObjectStore(
    createS3Client({
      region: 'us-east-1',
      endpoints: { S3: endpoint },
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
      env,
    }),
    'bucket',
    new SseKey(Buffer.alloc(32, 7)),
    { leanSmallRequests: path === 'lean' },
  );

describe.each(['sdk', 'lean'] as const)('HTTPS on the %s path', (path) => {
  it('trusts the CA that AWS_CA_BUNDLE names: the request reaches the server', async () => {
    const before = requests;
    const store = storeOver(path, { AWS_CA_BUNDLE: join(dir, 'ca.pem') });
    expect(await rejection(store.head('k'))).toMatchObject({ kind: 'not-found' });
    if (path === 'lean') expect(await rejection(store.getWhole!('k', 10))).toMatchObject({ kind: 'not-found' });
    expect(requests).toBeGreaterThan(before);
  });

  it.each(['garbage-and-ca.pem', 'link-to-ca.pem'])(
    'trusts the CA in %s (junk around it skipped, a link followed)',
    async (file) => {
      const before = requests;
      const store = storeOver(path, { AWS_CA_BUNDLE: join(dir, file) });
      expect(await rejection(store.head('k'))).toMatchObject({ kind: 'not-found' });
      if (path === 'lean') expect(await rejection(store.getWhole!('k', 10))).toMatchObject({ kind: 'not-found' });
      expect(requests).toBeGreaterThan(before);
    },
  );

  it('without it, a certificate of an unknown CA is refused before anything is sent, and said with the fix', async () => {
    const before = requests;
    const store = storeOver(path, {});
    // getWhole is the lean HTTP/1.1 client's (the SDK path has none: it answers undefined).
    const reads = [store.head('k'), ...(path === 'lean' ? [store.getWhole!('k', 10)] : [])];
    for (const read of reads) {
      const error = await rejection(read);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ kind: 'other', details: { certificate: true } });
      const explained = (await explainSyncError(error, store)) as Error & { fix?: string };
      expect(explained.message).toMatch(/^The S3 endpoint's certificate was refused for s3:\/\/bucket/);
      expect(explained.message).not.toMatch(/\.\./);
      expect(explained.fix).toMatch(/AWS_CA_BUNDLE/);
      expect(explainBucketError(error, 'bucket', 'us-east-1').message).toMatch(/certificate was refused for bucket/);
    }
    expect(requests).toBe(before);
  });

  it('a server asking to renegotiate (TLS 1.2) before it answers gets no renegotiation and sends no answer', async () => {
    let renegotiated = false;
    const renegotiating = createServer({ ...certs.valid, maxVersion: 'TLSv1.2' }, (req, res) => {
      req.socket.on('error', () => {});
      (req.socket as TLSSocket).renegotiate({}, (error) => {
        if (error) return void req.socket.destroy();
        renegotiated = true;
        res.end();
      });
    });
    await new Promise<void>((resolve) => renegotiating.listen(0, '127.0.0.1', resolve));
    try {
      const store = createS3ObjectStore(
        createS3Client({
          region: 'us-east-1',
          endpoints: { S3: `https://127.0.0.1:${(renegotiating.address() as AddressInfo).port}` },
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
          maxAttempts: 1,
          env: { AWS_CA_BUNDLE: join(dir, 'ca.pem') },
        }),
        'bucket',
        new SseKey(Buffer.alloc(32, 7)),
        { leanSmallRequests: path === 'lean' },
      );
      const reads = [store.head('k'), ...(path === 'lean' ? [store.getWhole!('k', 10)] : [])];
      for (const read of reads) expect(await rejection(read)).toBeInstanceOf(StoreError);
      expect(renegotiated).toBe(false);
    } finally {
      renegotiating.closeAllConnections();
      await new Promise<void>((resolve) => renegotiating.close(() => resolve()));
    }
  });
});

// Invariant: an endpoint that will not speak HTTP/1.1 (ALPN, HTTP/2 frames) is no network failure: the
// sync asks it once, whatever its retry budget, and says what is wrong and what to do.
describe('an S3 endpoint that will not speak HTTP/1.1, on the lean path', () => {
  // An empty SETTINGS frame, then GOAWAY (PROTOCOL_ERROR): what an HTTP/2 server says to an HTTP/1.1 request.
  const frames = Buffer.from('000000040000000000' + '000008070000000000' + '0000000000000001', 'hex');
  it.each([
    [
      'offers only h2 in ALPN (HTTPS)',
      () =>
        scriptedServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), {
          ...certs.valid,
          ALPNProtocols: ['h2'],
        }),
      'https',
      'it sent the TLS alert no_application_protocol: no HTTP/1.1 in its ALPN list',
    ],
    [
      'answers in HTTP/2 frames (plain HTTP; the old client waited for its idle limit, then retried)',
      () => scriptedServer((socket) => socket.write(frames)),
      'http',
      'it answered in HTTP/2 frames',
    ],
  ] as const)('one that %s is asked once, not retried, and said with its fix', async (_what, start, scheme, why) => {
    const server = await start();
    try {
      const client = createS3Client(
        {
          region: 'us-east-1',
          endpoints: { S3: `${scheme}://127.0.0.1:${server.port}` },
          credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
          maxAttempts: 1,
          env: { AWS_CA_BUNDLE: join(dir, 'ca.pem') },
        },
        { idleTimeoutMs: 500 },
      );
      const store = createS3ObjectStore(client, 'bucket', new SseKey(Buffer.alloc(32, 7)), { leanSmallRequests: true });
      let now = 0;
      const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
      let attempts = 0;
      const read = () => ((attempts += 1), store.getWhole!('k', 10));
      const error = await rejection(withRetry(read, { ...syncRetry(undefined), clock }));
      expect(attempts).toBe(1);
      expect(server.connections()).toBe(1);
      if (scheme === 'https') expect(server.received()).toBe('');
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ kind: 'other', details: { protocol: true } });
      const explained = (await explainSyncError(error, store)) as Error & { fix?: string };
      expect(explained.message).toBe(
        `The S3 endpoint refused the request for s3://bucket/k: the endpoint will not speak HTTP/1.1 (${why}).`,
      );
      expect(explained.fix).toMatch(/^Point AWS_ENDPOINT_URL_S3 at an endpoint that speaks HTTP\/1\.1/);
    } finally {
      await server.close();
    }
  });
});
