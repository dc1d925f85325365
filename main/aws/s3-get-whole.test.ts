import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { isRetryable } from '../sync/retry';
import { SseKey } from '../sync/sse-key';
import { StoreError } from './ports/object-store';
import { createS3Client } from './s3-client';
import { createS3ObjectStore } from './s3-object-store';

// Invariant: getWhole (the lean HTTP/1.1 client) tells what `get` on the SDK path tells: the same head
// and bytes, the same keyed-then-plain rule for objects stored without SSE-C, and every failure
// classified alike (StoreError kind, status, notS3); an answer of another size comes without its body.

const BODY = Buffer.from('sixteen bytes!!!');
const SSE = 'x-amz-server-side-encryption-customer-algorithm';
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function storeFor(handler: Handler) {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const client = createS3Client(
    {
      region: 'us-east-1',
      endpoints: { S3: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1, // the engine retries, not the SDK
    },
    { idleTimeoutMs: 2_000 },
  );
  const key = new SseKey(randomBytes(32));
  return {
    lean: createS3ObjectStore(client, 'b', key),
    sdk: createS3ObjectStore(client, 'b', key, { leanSmallRequests: false }),
  };
}

const objectHeaders = (encrypted: boolean, length = BODY.length) => ({
  'content-length': String(length),
  etag: '"abc"',
  'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
  'x-amz-storage-class': 'INTELLIGENT_TIERING',
  'x-amz-meta-traindeck-sha256': 'f'.repeat(64),
  ...(encrypted ? { [SSE]: 'AES256' } : {}),
});

async function bodyOf(got: Awaited<ReturnType<Awaited<ReturnType<typeof storeFor>>['sdk']['get']>>) {
  const chunks: Buffer[] = [];
  for await (const chunk of got.body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function failure(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  const { kind, details } = error as StoreError;
  return { kind, status: details.status, notS3: details.notS3 };
}

describe('getWhole against a loopback S3', () => {
  it('gives the head and bytes the SDK path gives, with SSE-C sent', async () => {
    const seen: string[] = [];
    const { lean, sdk } = await storeFor((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers[SSE]} ${req.headers['x-amz-content-sha256']}`);
      res.writeHead(200, objectHeaders(true)).end(BODY);
    });
    const whole = await lean.getWhole!('dir/a b.bin', BODY.length);
    const got = await sdk.get('dir/a b.bin');
    expect(whole?.bytes).toEqual(BODY);
    expect(await bodyOf(got)).toEqual(BODY);
    expect(whole?.head).toEqual(got.head);
    expect(whole?.head).toMatchObject({ size: 16, encrypted: true, metadata: { 'traindeck-sha256': 'f'.repeat(64) } });
    expect(seen[0]).toBe(
      `GET /b/dir/a%20b.bin AES256 ${'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'}`,
    );
  });

  it('an object stored without SSE-C (keyed GET refused with 400, plain GET 200): its bytes, not encrypted', async () => {
    const { lean, sdk } = await storeFor((req, res) => {
      if (req.headers[SSE]) return res.writeHead(400).end('<Error><Code>InvalidRequest</Code></Error>');
      res.writeHead(200, objectHeaders(false)).end(BODY);
    });
    const whole = await lean.getWhole!('k', BODY.length);
    expect(whole?.bytes).toEqual(BODY);
    expect(whole?.head.encrypted).toBe(false);
    expect((await sdk.get('k')).head.encrypted).toBe(false);
  });

  it('an answer of another size than asked: the head alone, the body not read', async () => {
    const { lean } = await storeFor((_req, res) =>
      res.writeHead(200, objectHeaders(true, 4096)).end(Buffer.alloc(4096)),
    );
    const whole = await lean.getWhole!('k', BODY.length);
    expect(whole).toMatchObject({ head: { size: 4096 }, bytes: undefined });
  });

  it.each<[string, Handler]>([
    [
      '503 SlowDown',
      (_q, s) => s.writeHead(503).end('<Error><Code>SlowDown</Code><Message>Slow down</Message></Error>'),
    ],
    ['500 HTML', (_q, s) => s.writeHead(500, { 'content-type': 'text/html' }).end('<html>proxy</html>')],
    ['403 HTML', (_q, s) => s.writeHead(403, { 'content-type': 'text/html' }).end('<html>portal</html>')],
    ['404 NoSuchKey', (_q, s) => s.writeHead(404).end('<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>')],
    ['400 to both reads (a wrong key)', (_q, s) => s.writeHead(400).end('<Error><Code>InvalidRequest</Code></Error>')],
    [
      '400, then a plain 200 that says SSE-C (a wrong key)',
      (q, s) =>
        q.headers[SSE]
          ? s.writeHead(400).end('<Error><Code>InvalidRequest</Code></Error>')
          : s.writeHead(200, objectHeaders(true)).end(BODY),
    ],
    ['a reset', (q) => q.socket.resetAndDestroy()],
  ])('%s fails as on the SDK path', async (_name, handler) => {
    const { lean, sdk } = await storeFor(handler);
    const onSdk = await failure(sdk.get('k').then(bodyOf));
    expect(await failure(lean.getWhole!('k', BODY.length))).toEqual(onSdk);
  });

  it("a cut body is a transient failure, retried by the engine as the SDK path's broken stream is", async () => {
    const { lean, sdk } = await storeFor((_q, s) => {
      s.writeHead(200, objectHeaders(true));
      s.write(BODY.subarray(0, 5), () => s.destroy());
    });
    const onSdk = await sdk
      .get('k')
      .then(bodyOf)
      .catch((e: unknown) => e);
    expect(isRetryable(onSdk)).toBe(true);
    expect(await failure(lean.getWhole!('k', BODY.length))).toMatchObject({ kind: 'transient' });
  });

  it('an HTTPS endpoint goes over the lean client too (s3-client-tls.test.ts): a refused connection is transient', async () => {
    const client = createS3Client({
      region: 'us-east-1',
      endpoints: { S3: 'https://127.0.0.1:9' },
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const store = createS3ObjectStore(client, 'b', new SseKey(randomBytes(32)));
    expect(await failure(store.getWhole!('k', 1))).toMatchObject({ kind: 'transient' });
  });
});
