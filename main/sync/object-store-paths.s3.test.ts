/**
 * The ObjectStore contract on real Ceph RGW, on both request paths of the S3 adapter: the SDK's
 * and the lean signed path for small PUTs, whole-object GETs, HEADs and listings (main/aws/s3-lean-requests.ts).
 * Invariants: an object written by either path is stored with SSE-C under our key, with
 * Intelligent-Tiering, our metadata and the key-fingerprint tag, and reads back byte for byte with
 * the same head on either path; a body that does not match its signed SHA-256 is refused by S3;
 * a failure is classified alike on both paths; every call settles (reset, 5xx, HTML page, held
 * request, held answer, stalled body, abort).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { type ObjectStore, type PutRequest, StoreError } from '../aws/ports/object-store';
import type { S3PoolOptions } from '../aws/s3-client';
import { createS3ObjectStore } from '../aws/s3-object-store';
import { rejection } from '../core/testing/rejection';
import { SseKey } from './sse-key';
import { type Fault, type FaultPlan, startFaultProxy } from './testing/fault-proxy';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

let fx: S3Fixture;
beforeAll(async () => {
  fx = await createS3Fixture('store-paths');
});
afterAll(() => fx.cleanup());

const PATHS = ['sdk', 'lean'] as const;
type Path = (typeof PATHS)[number];

const storeOn = (path: Path, endpoint = inject('s3').endpoint, pool?: S3PoolOptions, key = fx.key): ObjectStore =>
  createS3ObjectStore(fx.clientFor(endpoint, pool), fx.bucket, key, { leanSmallRequests: path === 'lean' });

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const putRequest = (key: string, bytes: Buffer): PutRequest => ({
  key,
  body: { buffer: bytes },
  bodySha256: sha256(bytes),
  metadata: { 'traindeck-sha256': sha256(bytes), 'traindeck-mtime-ms': '1700000000000' },
});
async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Keys a user's files give: spaces, '+', '%', '#', RFC 3986's sub-delimiters, non-ASCII. */
const AWKWARD_KEYS = ["t/a b+c%20d#e!'()*~.bin", 't/ü/名前=1&x;y,z@$.csv', 't/.hidden/-dash_under.tar.gz'];

describe.each(PATHS)('object store on the %s path (Ceph RGW)', (path) => {
  it('writes with SSE-C, Intelligent-Tiering, metadata and the fingerprint tag, and reads the same bytes and head back on both paths', async () => {
    const store = storeOn(path);
    for (const [i, key] of AWKWARD_KEYS.entries()) {
      const bytes = randomBytes(4096 + i * 9000);
      const objectKey = `${path}/${key}`;
      const etag = await store.put(putRequest(objectKey, bytes));
      expect(etag).toMatch(/^".+"$/);
      // Stored encrypted: S3 refuses to serve it without the key.
      const plain = await rejection(fx.client.send(new GetObjectCommand({ Bucket: fx.bucket, Key: objectKey })));
      expect((plain as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
      for (const reader of PATHS.map((p) => storeOn(p))) {
        const { body, head } = await reader.get(objectKey);
        expect(await readAll(body)).toEqual(bytes);
        const expected = {
          size: bytes.length,
          etag,
          storageClass: 'INTELLIGENT_TIERING',
          encrypted: true,
          metadata: {
            'traindeck-sha256': sha256(bytes),
            'traindeck-mtime-ms': '1700000000000',
            'traindeck-key': fx.key.fingerprint,
          },
        };
        expect(head).toMatchObject(expected);
        expect(await reader.head(objectKey)).toMatchObject(expected);
        expect(await reader.tags(objectKey)).toEqual({ 'traindeck-key': fx.key.fingerprint });
        const ranged = await reader.get(objectKey, { start: 10, end: 1033 });
        expect(await readAll(ranged.body)).toEqual(bytes.subarray(10, 1034));
      }
    }
  });

  it('a body that is not what its signed SHA-256 says is refused by S3 (bad-digest) and nothing is written', async () => {
    const store = storeOn(path);
    const request = { ...putRequest(`${path}/tampered.bin`, randomBytes(5000)), bodySha256: sha256(randomBytes(5000)) };
    expect(await rejection(store.put(request))).toMatchObject({ kind: 'bad-digest' });
    expect(await rejection(store.head(request.key))).toMatchObject({ kind: 'not-found' });
  });

  it('classifies a missing object, another SSE-C key and a plain object as the engine expects', async () => {
    const store = storeOn(path);
    expect(await rejection(store.get(`${path}/missing.bin`))).toMatchObject({
      kind: 'not-found',
      details: { status: 404 },
    });
    expect(await rejection(store.head(`${path}/missing.bin`))).toMatchObject({ kind: 'not-found' });

    const theirs = `${path}/theirs.bin`;
    await storeOn(path, undefined, undefined, new SseKey(randomBytes(32))).put(putRequest(theirs, randomBytes(300)));
    expect(await rejection(store.get(theirs))).toMatchObject({ kind: 'wrong-key', details: { status: 400 } });
    expect(await rejection(store.head(theirs))).toMatchObject({ kind: 'wrong-key' });

    // Written by another tool without SSE-C: read (Ceph serves it), and said to be unencrypted.
    const plainKey = `${path}/plain.csv`;
    const bytes = randomBytes(700);
    await fx.client.send(new PutObjectCommand({ Bucket: fx.bucket, Key: plainKey, Body: bytes }));
    const { body, head } = await store.get(plainKey);
    expect(await readAll(body)).toEqual(bytes);
    expect(head).toMatchObject({ size: 700, encrypted: false });
    expect(await store.head(plainKey)).toMatchObject({ size: 700, encrypted: false });
  });

  it('lists every object under a prefix across pages, exactly as written (XML-special characters, spaces at the ends), on both paths alike', async () => {
    const prefix = `list-${path}/`;
    const keys = [
      ...AWKWARD_KEYS,
      't/<tag>&amp;"quoted" \'apos\'.bin',
      't/ lead and trail .bin ',
      't/tab\there.bin',
      't/folder-marker/',
    ].map((k) => prefix + k);
    const written = new Map<string, string>();
    for (const key of keys) {
      written.set(key, await storeOn('sdk').put(putRequest(key, randomBytes(keys.indexOf(key) * 7))));
    }
    // Two objects a page: the continuation token is followed, whatever it holds.
    const paged = createS3ObjectStore(fx.clientFor(inject('s3').endpoint), fx.bucket, fx.key, {
      leanSmallRequests: path === 'lean',
      listPageSize: 2,
    });
    const listed = await paged.list(prefix);
    expect(listed.map((o) => o.key).sort()).toEqual([...keys].sort());
    for (const object of listed) {
      expect(object).toMatchObject({ etag: written.get(object.key), storageClass: 'INTELLIGENT_TIERING' });
      expect(object.size).toBe(keys.indexOf(object.key) * 7);
      expect(Math.abs(object.lastModifiedMs - Date.now())).toBeLessThan(3_600_000);
    }
    expect(await storeOn(path).list(prefix)).toEqual(listed);
    expect(await storeOn(path).list(`${prefix}none/`)).toEqual([]);
  });

  it("checks the bucket alike on both paths: Ceph's answer to GetBucketEncryption (a listing) blocks nothing", async () => {
    expect(await storeOn(path).checkBucket()).toEqual({ versioning: 'never', sseCBlocked: false });
  });

  it('an aborted call rejects with the abort, not a store error', async () => {
    const store = storeOn(path);
    const aborted = AbortSignal.abort();
    for (const call of [
      store.get(`${path}/any.bin`, undefined, aborted),
      store.head(`${path}/any.bin`, aborted),
      store.put(putRequest(`${path}/any.bin`, randomBytes(10)), aborted),
      store.list(`${path}/`, aborted),
    ]) {
      const error = await rejection(call);
      expect(error).not.toBeInstanceOf(StoreError);
      expect(error.name).toBe('AbortError');
    }
  });
});

describe('faults: both paths settle and classify alike', () => {
  const seeded = 'faults/seeded.bin';
  const bytes = randomBytes(200_000);
  beforeAll(() =>
    storeOn('sdk')
      .put(putRequest(seeded, bytes))
      .then(() => undefined),
  );

  /** The call's outcome, reduced to what the engine acts on. */
  async function outcome(path: Path, op: 'put' | 'get' | 'head' | 'list', fault: Fault, pool?: S3PoolOptions) {
    const proxy = await startFaultProxy(inject('s3').endpoint, (() => fault) satisfies FaultPlan);
    try {
      const store = storeOn(path, proxy.endpoint, pool);
      const call =
        op === 'put'
          ? store.put(putRequest(`faults/${path}-put.bin`, randomBytes(3000)))
          : op === 'get'
            ? store.get(seeded).then(({ body }) => readAll(body))
            : op === 'list'
              ? store.list('faults/')
              : store.head(seeded);
      const error = await rejection(call);
      expect(proxy.requests()).toBeGreaterThan(0);
      return error instanceof StoreError
        ? { kind: error.kind, status: error.details.status, notS3: error.details.notS3 ?? false }
        : { name: error.name, code: (error as { code?: string }).code };
    } finally {
      await proxy.close();
    }
  }

  const FAULTS: Array<[string, Fault, { kind: string }]> = [
    ['503 SlowDown', { status: 503, code: 'SlowDown' }, { kind: 'transient' }],
    ['500 InternalError', { status: 500, code: 'InternalError' }, { kind: 'transient' }],
    ['502 HTML page', { html: 502 }, { kind: 'transient' }],
    ['403 AccessDenied', { status: 403, code: 'AccessDenied' }, { kind: 'access-denied' }],
    ['connection reset', 'reset', { kind: 'transient' }],
  ];
  for (const [name, fault, expected] of FAULTS) {
    it(`${name}: the same outcome on the SDK and the lean path (put, get, head, list)`, async () => {
      for (const op of ['put', 'get', 'head', 'list'] as const) {
        const sdk = await outcome('sdk', op, fault);
        const lean = await outcome('lean', op, fault);
        expect({ op, ...lean }).toEqual({ op, ...sdk });
        expect(lean).toMatchObject(expected);
      }
    });
  }

  it('a held request, a held answer and a stalled or cut body settle as retryable on both paths', async () => {
    // Retryable: a transient StoreError, or a body that broke off (the engine's readBody retries
    // any body that broke off, whatever its error). Under load the idle limit may also fire
    // before a stalled body's head arrives: transient then, which is as good.
    const retryable = (out: Awaited<ReturnType<typeof outcome>>) =>
      ('kind' in out && out.kind === 'transient') ||
      ('code' in out && out.code === 'ECONNRESET') ||
      ('name' in out && out.name === 'TimeoutError');
    const pool = { idleTimeoutMs: 1000 };
    const faults: Fault[] = [
      { hold: 'request' },
      { hold: 'response' },
      { body: 'stall', after: 1000 },
      { body: 'reset', after: 1000 },
    ];
    for (const path of PATHS) {
      for (const fault of faults) {
        for (const op of ['put', 'get', 'head', 'list'] as const) {
          if ('body' in (fault as object) && op !== 'get') continue;
          const out = await outcome(path, op, fault, pool);
          expect({ path, op, fault, out, retryable: retryable(out) }).toMatchObject({ retryable: true });
        }
      }
    }
  });

  it('an abort while the answer is held ends the lean call with the abort', async () => {
    const proxy = await startFaultProxy(inject('s3').endpoint, () => ({ hold: 'response' }));
    try {
      const store = storeOn('lean', proxy.endpoint);
      for (const call of [
        (signal: AbortSignal) => store.get(seeded, undefined, signal),
        (signal: AbortSignal) => store.head(seeded, signal),
        (signal: AbortSignal) => store.put(putRequest('faults/abort.bin', randomBytes(100)), signal),
      ]) {
        const controller = new AbortController();
        const before = proxy.requests();
        const settled = call(controller.signal);
        // Bounded: the request reaches the proxy (and is held there) well within 10 s.
        for (let i = 0; i < 500 && proxy.requests() === before; i += 1) await new Promise((r) => setTimeout(r, 20));
        expect(proxy.requests()).toBe(before + 1);
        controller.abort();
        expect((await rejection(settled)).name).toBe('AbortError');
        expect(proxy.requests()).toBe(before + 1); // not sent again
      }
    } finally {
      await proxy.close();
    }
  });
});
