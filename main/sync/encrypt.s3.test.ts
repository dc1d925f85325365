import { randomBytes } from 'node:crypto';

import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createS3ObjectStore } from '../aws/s3-object-store';
import { encryptPlainObjects } from './encrypt';
import { sha256Buffer } from './hash-file';
import { type FaultPlan, startFaultProxy } from './testing/fault-proxy';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

// Class 8 of issue 11: `traindeck sync encrypt` against Ceph RGW.
let fx: S3Fixture;
beforeAll(async () => {
  fx = await createS3Fixture('encrypt');
});
afterAll(() => fx.cleanup());

const P = 'runs/test/';
const putPlain = (key: string, body: Buffer) =>
  fx.client.send(new PutObjectCommand({ Bucket: fx.bucket, Key: key, Body: body }));
const bytesOf = async (key: string, keyed: boolean) => {
  const out = await fx.client.send(
    new GetObjectCommand({ Bucket: fx.bucket, Key: key, ...(keyed ? fx.key.params() : {}) }),
  );
  return Buffer.from(await out.Body!.transformToByteArray());
};

describe('traindeck sync encrypt (Ceph RGW)', () => {
  it('a refused write (403 to every PUT and CompleteMultipartUpload) leaves each plain object as it was, readable without the key', async () => {
    const small = randomBytes(1000);
    await putPlain(`${P}logs/refused.log`, small);
    const refuse: FaultPlan = (request) =>
      request.method === 'PUT' || (request.method === 'POST' && request.query.has('uploadId'))
        ? { status: 403, code: 'AccessDenied' }
        : 'pass';
    const proxy = await startFaultProxy(inject('s3').endpoint, refuse);
    try {
      const store = createS3ObjectStore(fx.clientFor(proxy.endpoint), fx.bucket, fx.key);
      const out = await encryptPlainObjects({ store, spec: fx.spec });
      expect(out.encrypted).toEqual([]);
      expect(out.failures).toEqual([
        { key: `${P}logs/refused.log`, message: expect.stringContaining('Access denied') },
      ]);
    } finally {
      await proxy.close();
    }
    expect(await bytesOf(`${P}logs/refused.log`, false)).toEqual(small);
  });

  it('re-encrypts plain objects in place (datasets too): SSE-C with the key, Intelligent-Tiering, the SHA-256; the same bytes; then nothing is flagged', async () => {
    const big = randomBytes(70 * 1024 * 1024 + 17); // above the 64 MiB multipart threshold
    const csv = Buffer.from('a,b\n1,2\n');
    await putPlain(`${P}cached-datasets/train.csv`, csv);
    await putPlain(`${P}models/big.bin`, big);
    const dry = await encryptPlainObjects({ store: fx.store, spec: fx.spec, dryRun: true });
    expect(dry.found).toEqual(expect.arrayContaining([`${P}cached-datasets/train.csv`, `${P}models/big.bin`]));
    expect(dry.encrypted).toEqual([]);

    const out = await encryptPlainObjects({ store: fx.store, spec: fx.spec });
    expect(out.failures).toEqual([]);
    expect(out.encrypted).toEqual(expect.arrayContaining([`${P}cached-datasets/train.csv`, `${P}models/big.bin`]));
    for (const [key, bytes] of [
      [`${P}cached-datasets/train.csv`, csv],
      [`${P}models/big.bin`, big],
    ] as const) {
      const head = await fx.client.send(new HeadObjectCommand({ Bucket: fx.bucket, Key: key, ...fx.key.params() }));
      expect(head.SSECustomerAlgorithm).toBe('AES256');
      expect(head.StorageClass).toBe('INTELLIGENT_TIERING');
      expect(head.Metadata?.['traindeck-sha256']).toBe(sha256Buffer(bytes));
      expect((await bytesOf(key, true)).equals(bytes)).toBe(true);
      await expect(bytesOf(key, false)).rejects.toThrow(); // no longer readable without the key
    }
    const pull = await fx.sync('pull');
    expect(pull.summary?.unencrypted).toBeUndefined();
    expect((await encryptPlainObjects({ store: fx.store, spec: fx.spec })).found).toEqual([]);
  }, 120_000);
});
