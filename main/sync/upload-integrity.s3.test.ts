import { randomBytes } from 'node:crypto';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { Transform } from 'node:stream';

import { GetObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ObjectStore } from '../aws/ports/object-store';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

let fx: S3Fixture;
beforeEach(async () => {
  fx = await createS3Fixture('upload-integrity');
});
afterEach(() => fx.cleanup());

const MiB = 1024 * 1024;
// Small parts, one request at a time: the rewrite lands between two parts, deterministically.
const spec = { concurrency: 1, multipartThreshold: 5 * MiB, partSize: 5 * MiB };

async function objectBytes(key: string): Promise<Buffer> {
  const out = await fx.client.send(new GetObjectCommand({ Bucket: fx.bucket, Key: key, ...fx.key.params() }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function openUploads(): Promise<number> {
  const out = await fx.client.send(new ListMultipartUploadsCommand({ Bucket: fx.bucket }));
  return out.Uploads?.length ?? 0;
}

/** A store that runs `meanwhile` once, right after the `nth` call of `method` succeeded. */
function after(method: 'uploadPart' | 'put', nth: number, meanwhile: () => Promise<void>): ObjectStore {
  let calls = 0;
  const store = fx.store;
  const hook = async <T>(result: T): Promise<T> => {
    calls += 1;
    if (calls === nth) await meanwhile();
    return result;
  };
  return {
    ...store,
    uploadPart: async (...args) =>
      method === 'uploadPart' ? hook(await store.uploadPart(...args)) : store.uploadPart(...args),
    put: async (request, signal) =>
      method === 'put' ? hook(await store.put(request, signal)) : store.put(request, signal),
  };
}

describe('an upload is one version of the file or nothing', () => {
  it('a file rewritten between two parts of a multipart upload: aborted, the old object intact, no upload left', async () => {
    const v1 = randomBytes(16 * MiB);
    const path = await fx.writeLocal('checkpoints', 'model.ckpt', v1, Date.now() - 60_000);
    await fx.sync('push', { spec });
    // A newer version to push, rewritten again (v3) while it goes up.
    await fx.writeLocal('checkpoints', 'model.ckpt', randomBytes(16 * MiB), Date.now() + 5_000);
    const v3 = randomBytes(16 * MiB);
    const rewrite = () => writeFile(path, v3);

    const out = await fx.sync('push', { spec, store: after('uploadPart', 1, rewrite) });
    expect(out.summary?.failures).toEqual([
      {
        folder: 'checkpoints',
        relPath: 'model.ckpt',
        action: 'upload',
        message: 'model.ckpt changed while uploading; it will go up on the next push.',
      },
    ]);
    expect((await objectBytes('runs/test/checkpoints/model.ckpt')).equals(v1)).toBe(true);
    expect(await openUploads()).toBe(0);

    const again = await fx.sync('push', { spec });
    expect(again.summary).toMatchObject({ uploaded: 1, failures: [] });
    expect((await objectBytes('runs/test/checkpoints/model.ckpt')).equals(v3)).toBe(true);
  });

  it('a file appended to after its last part went up: not completed (size and mtime are checked before)', async () => {
    const v1 = randomBytes(11 * MiB);
    const path = await fx.writeLocal('checkpoints', 'grow.ckpt', v1);
    const out = await fx.sync('push', {
      spec,
      store: after('uploadPart', 3, () => writeFile(path, randomBytes(10), { flag: 'a' })),
    });
    expect(out.summary?.failures.map((f) => f.message)).toEqual([
      'grow.ckpt changed while uploading; it will go up on the next push.',
    ]);
    expect(await fx.keys()).toEqual([]);
    expect(await openUploads()).toBe(0);
  });

  it('a single PUT whose file is rewritten while it streams never completes with the new bytes', async () => {
    const v1 = randomBytes(3 * MiB);
    const path = await fx.writeLocal('models', 'weights.bin', v1, Date.now() - 60_000);
    await fx.sync('push', { spec });
    await fx.writeLocal('models', 'weights.bin', randomBytes(3 * MiB), Date.now() + 5_000);
    // The rewrite happens while the body is being read, before its last chunk is released.
    const store: ObjectStore = {
      ...fx.store,
      put: async (request, signal) => {
        if ('stream' in request.body) {
          const original = request.body.stream;
          request = {
            ...request,
            body: {
              length: request.body.length,
              stream: () => {
                const stream = original();
                stream.once('data', () => void writeFile(path, randomBytes(3 * MiB)));
                return stream;
              },
            },
          };
        }
        return fx.store.put(request, signal);
      },
    };
    const out = await fx.sync('push', { spec, store });
    expect(out.summary?.failures.map((f) => f.message)).toEqual([
      'weights.bin changed while uploading; it will go up on the next push.',
    ]);
    expect((await objectBytes('runs/test/models/weights.bin')).equals(v1)).toBe(true);
    expect((await readFile(path)).equals(v1)).toBe(false);
  });

  it('a part rewritten in place with its mtime put back (only its bytes differ): S3 refuses it, nothing completes', async () => {
    const v1 = randomBytes(16 * MiB);
    const path = await fx.writeLocal('checkpoints', 'quiet.ckpt', v1, Date.now() - 60_000);
    await fx.sync('push', { spec });
    await fx.writeLocal('checkpoints', 'quiet.ckpt', randomBytes(16 * MiB), Date.now() + 5_000);
    const planned = await stat(path);
    // Same size, same mtime: the size-and-mtime check cannot see it, only the signed part hashes can.
    const rewriteQuietly = async () => {
      await writeFile(path, randomBytes(16 * MiB));
      await utimes(path, planned.atime, planned.mtime);
    };

    const out = await fx.sync('push', { spec, store: after('uploadPart', 1, rewriteQuietly) });
    expect(out.summary?.failures.map((f) => f.message)).toEqual([
      'quiet.ckpt changed while uploading; it will go up on the next push.',
    ]);
    expect((await objectBytes('runs/test/checkpoints/quiet.ckpt')).equals(v1)).toBe(true);
    expect(await openUploads()).toBe(0);
  });

  it('a part damaged in transit is refused by S3 and sent again (the file did not change): the upload completes', async () => {
    const data = randomBytes(11 * MiB);
    await fx.writeLocal('checkpoints', 'damaged.ckpt', data);
    let damaged = 0;
    const store: ObjectStore = {
      ...fx.store,
      uploadPart: (key, uploadId, partNumber, body, sha256, signal) => {
        if (partNumber !== 2 || damaged > 0 || !('stream' in body)) {
          return fx.store.uploadPart(key, uploadId, partNumber, body, sha256, signal);
        }
        damaged += 1;
        let flipped = false;
        const flipFirstByte = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            if (flipped) return done(null, chunk);
            flipped = true;
            const copy = Buffer.from(chunk);
            copy[0] = copy[0]! ^ 0xff;
            done(null, copy);
          },
        });
        const stream = () => body.stream().pipe(flipFirstByte);
        return fx.store.uploadPart(key, uploadId, partNumber, { stream, length: body.length }, sha256, signal);
      },
    };
    const out = await fx.sync('push', { spec, store });
    expect(damaged).toBe(1);
    expect(out.summary).toMatchObject({ uploaded: 1, failures: [] });
    expect((await objectBytes('runs/test/checkpoints/damaged.ckpt')).equals(data)).toBe(true);
    expect(await openUploads()).toBe(0);
  });
});
