import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { rejection } from '../core/testing/rejection';
import { explainBucketError, explainSyncError } from '../sync/explain';
import { SseKey } from '../sync/sse-key';
import { StoreError } from './ports/object-store';
import { createS3Client } from './s3-client';
import { createS3ObjectStore } from './s3-object-store';
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
  writeFileSync(join(dir, 'not-pem.txt'), 'not a certificate\n');
  // Break-it review: garbage (and a block that only looks like a certificate) around the one real CA.
  const fake = '-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n';
  writeFileSync(join(dir, 'garbage-and-ca.pem'), `# comment\n\u0000binary junk\n${fake}${certs.ca}trailing junk`);
  symlinkSync(join(dir, 'ca.pem'), join(dir, 'link-to-ca.pem'));
  execFileSync('mkfifo', [join(dir, 'pipe.pem')]);
  writeFileSync(join(dir, 'huge.pem'), certs.ca);
  truncateSync(join(dir, 'huge.pem'), 64 * 2 ** 20); // sparse: costs no disk
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

describe('AWS_CA_BUNDLE that cannot be used', () => {
  it.each([
    ['a missing file', 'missing.pem', /cannot be read \(ENOENT\)/],
    ['a file without a PEM certificate', 'not-pem.txt', /holds no PEM certificate/],
    ['a folder', '.', /which is not a regular file\./],
    // Read synchronously as the client is built: the old code waited here for ever for a writer.
    ['a named pipe', 'pipe.pem', /which is not a regular file\./],
    ['a file far larger than a bundle', 'huge.pem', /which is 64 MiB: far larger than a certificate bundle/],
  ])('%s: a sentence with its fix when the client is made', (_what, file, message) => {
    const make = () =>
      createS3Client({
        region: 'us-east-1',
        env: { AWS_CA_BUNDLE: join(dir, file) },
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      });
    expect(make).toThrow(message);
    expect(make).toThrow(expect.objectContaining({ fix: expect.stringMatching(/AWS_CA_BUNDLE/) }));
  });
});
