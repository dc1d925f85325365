import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';

import { GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { META_MTIME, META_SHA256, type ObjectStore } from '../aws/ports/object-store';
import { mtimeOf } from './local-files';
import { SYNC_DEFAULTS } from './sync-spec';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

// Issue 16, medium uploads: a file between the download threshold (16 MiB) and the uploads' own
// multipart threshold (64 MiB) goes up as one streamed PUT under the real defaults. The other s3
// tests run without the uploads' threshold (TEST_SYNC_DEFAULTS), so this is the one that pushes such
// a file the way the product does, against Ceph.
const MiB = 1024 * 1024;
const objectKey = 'runs/test/models/medium.bin';
// Above 16 MiB and not a whole number of MiB or of 8 MiB parts.
const content = randomBytes(16 * MiB + 12_345);
const sha256 = createHash('sha256').update(content).digest('hex');
const calls: string[] = [];
let fx: S3Fixture;
let mtimeMs: number;
let pushed: Awaited<ReturnType<S3Fixture['sync']>>;

beforeAll(async () => {
  fx = await createS3Fixture('medium-upload');
  const path = await fx.writeLocal('models', 'medium.bin', content, Date.now() - 60_000);
  mtimeMs = mtimeOf(await stat(path));
  const counted = new Proxy(fx.store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (args[0] === objectKey || (name === 'put' && (args[0] as { key?: string }).key === objectKey)) {
          calls.push(String(name));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as ObjectStore;
  pushed = await fx.sync('push', { spec: { ...SYNC_DEFAULTS }, store: counted });
});
afterAll(async () => {
  await rm(`${fx.root}-pulled`, { recursive: true, force: true });
  await fx.cleanup();
});

const status = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

describe('a 16-64 MiB file pushed with the default thresholds', () => {
  it('goes up as one PUT: no multipart upload is made or left', async () => {
    expect(SYNC_DEFAULTS.uploadMultipartThreshold).toBeGreaterThan(content.length);
    expect(SYNC_DEFAULTS.multipartThreshold).toBeLessThanOrEqual(content.length);
    expect(pushed.summary).toMatchObject({ uploaded: 1, failures: [] });
    expect(calls).toEqual(['put']);
    const uploads = await fx.client.send(new ListMultipartUploadsCommand({ Bucket: fx.bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  it('lands as exactly the file, with its SHA-256 and mtime recorded, SSE-C and Intelligent-Tiering', async () => {
    const out = await fx.client.send(new GetObjectCommand({ Bucket: fx.bucket, Key: objectKey, ...fx.key.params() }));
    expect(Buffer.from(await out.Body!.transformToByteArray()).equals(content)).toBe(true);
    const head = await fx.client.send(new HeadObjectCommand({ Bucket: fx.bucket, Key: objectKey, ...fx.key.params() }));
    expect(head.ContentLength).toBe(content.length);
    expect(head.Metadata?.[META_SHA256]).toBe(sha256);
    expect(head.Metadata?.[META_MTIME]).toBe(String(mtimeMs));
    expect(head.SSECustomerAlgorithm).toBe('AES256');
    expect(head.StorageClass).toBe('INTELLIGENT_TIERING');
    // A single PUT's ETag is its MD5 (a multipart upload's ends in -N).
    expect(head.ETag).toBe(`"${createHash('md5').update(content).digest('hex')}"`);
  });

  it('is refused without the key', async () => {
    const get = await fx.client
      .send(new GetObjectCommand({ Bucket: fx.bucket, Key: objectKey }))
      .catch((e: unknown) => e);
    expect(status(get)).toBe(400);
    const head = await fx.client
      .send(new HeadObjectCommand({ Bucket: fx.bucket, Key: objectKey }))
      .catch((e: unknown) => e);
    expect(status(head)).toBe(400);
  });

  it('comes back byte for byte through a pull into an empty folder', async () => {
    const out = await fx.sync('pull', { spec: { ...SYNC_DEFAULTS, localRoot: `${fx.root}-pulled` } });
    expect(out.summary).toMatchObject({ downloaded: 1, failures: [] });
    expect((await readFile(`${fx.root}-pulled/models/medium.bin`)).equals(content)).toBe(true);
  });
});
