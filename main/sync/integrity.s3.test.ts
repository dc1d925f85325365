import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { rejection } from '../core/testing/rejection';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

let fx: S3Fixture;
beforeEach(async () => {
  fx = await createS3Fixture('integrity');
});
afterEach(() => fx.cleanup());

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Replaces an object's bytes behind the engine's back, keeping the SHA-256 it recorded. */
async function corrupt(key: string, original: Buffer): Promise<void> {
  const damaged = Buffer.from(original);
  damaged[damaged.length >> 1]! ^= 0xff;
  await fx.client.send(
    new PutObjectCommand({
      Bucket: fx.bucket,
      Key: key,
      Body: damaged,
      Metadata: { 'traindeck-sha256': sha(original), 'traindeck-mtime-ms': '1700000000000' },
      ...fx.key.params(),
    }),
  );
}

describe('integrity', () => {
  it('detects a corrupted object on pull, names it, and leaves no file behind', async () => {
    const original = randomBytes(200_000);
    await fx.writeLocal('models', 'model.pkl', original);
    await fx.writeLocal('models', 'fine.json', '{"ok":true}');
    await fx.sync('push');
    await corrupt('runs/test/models/model.pkl', original);

    const copy = `${fx.root}-copy`;
    const out = await fx.sync('pull', { spec: { localRoot: copy } });
    expect(out.summary?.downloaded).toBe(1);
    expect(out.summary?.failures).toEqual([
      {
        folder: 'models',
        relPath: 'model.pkl',
        action: 'download',
        message: expect.stringMatching(/runs\/test\/models\/model\.pkl is corrupt/),
      },
    ]);
    expect(await readdir(`${copy}/models`)).toEqual(['fine.json']);
  });

  it('detects corruption in a large object downloaded in parallel ranges', async () => {
    const original = randomBytes(6 * 1024 * 1024);
    await fx.seed('runs/test/checkpoints/big.ckpt', original);
    await corrupt('runs/test/checkpoints/big.ckpt', original);
    const out = await fx.sync('pull', { spec: { multipartThreshold: 1024 * 1024, partSize: 1024 * 1024 } });
    expect(out.summary?.failures[0]?.message).toMatch(/big\.ckpt is corrupt/);
    expect(await readdir(fx.localPath('checkpoints', '')).catch(() => [])).toEqual([]);
    expect(await readdir(`${fx.root}/.traindeck/tmp`)).toEqual([]);
  });

  it('S3 itself refuses a body that does not match the SHA-256 it was signed with', async () => {
    const error = await rejection(
      fx.store.put({
        key: 'runs/test/models/x.bin',
        body: { buffer: Buffer.from('actual bytes') },
        bodySha256: sha('other bytes'),
        metadata: {},
      }),
    );
    expect(error).toMatchObject({ kind: 'bad-digest' });
    expect(await fx.keys()).toEqual([]);
  });

  it('S3 refuses a streamed part or PUT whose bytes are not what its signed SHA-256 says (the uploader relies on it)', async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const streamed = () => ({ stream: () => Readable.from([bytes]), length: bytes.length });
    const key = 'runs/test/models/streamed.bin';
    const uploadId = await fx.store.createMultipart(key, {});
    try {
      expect(await rejection(fx.store.uploadPart(key, uploadId, 1, streamed(), sha('other bytes')))).toMatchObject({
        kind: 'bad-digest',
      });
      expect(await fx.store.listParts!(key, uploadId)).toEqual([]);
    } finally {
      await fx.store.abortMultipart(key, uploadId);
    }
    const put = fx.store.put({ key, body: streamed(), bodySha256: sha('other bytes'), metadata: {} });
    expect(await rejection(put)).toMatchObject({ kind: 'bad-digest' });
    expect(await fx.keys()).toEqual([]);
  });

  it('uploads large files in parts, each checked by S3 against its SHA-256, and records the whole-file SHA-256', async () => {
    const data = randomBytes(12 * 1024 * 1024 + 123);
    await fx.writeLocal('models', 'large.safetensors', data);
    // 5 MiB parts (the S3 minimum) so that a 12 MiB file has three.
    const spec = { multipartThreshold: 6 * 1024 * 1024, partSize: 5 * 1024 * 1024 };
    const push = await fx.sync('push', { spec });
    expect(push.summary).toMatchObject({ uploaded: 1, failures: [] });
    const head = await fx.store.head('runs/test/models/large.safetensors');
    expect(head.etag).toMatch(/-3"$/);
    expect(head.metadata['traindeck-sha256']).toBe(sha(data));
    expect(head.storageClass).toBe('INTELLIGENT_TIERING');

    const copy = `${fx.root}-copy`;
    const pull = await fx.sync('pull', { spec: { ...spec, localRoot: copy } });
    expect(pull.summary?.failures).toEqual([]);
    expect(sha(await readFile(`${copy}/models/large.safetensors`))).toBe(sha(data));
    expect((await stat(`${copy}/models/large.safetensors`)).size).toBe(data.length);
  });

  it('verify compares S3 with the local files by recorded SHA-256: a deleted and a replaced object are flagged', async () => {
    await fx.writeLocal('logs', 'a.log', 'a');
    await fx.writeLocal('logs', 'b.log', 'b');
    await fx.sync('push');
    const { buildLocalManifest, verifyAgainst } = await import('./verify');
    const { loadSyncState } = await import('./sync-state');
    const manifest = await buildLocalManifest(fx.spec, await loadSyncState(fx.root));
    expect((await verifyAgainst(manifest, fx.store, ['runs/test/logs/'], 4)).mismatches).toEqual([]);
    await fx.store.deleteMany(['runs/test/logs/b.log']);
    await fx.seed('runs/test/logs/a.log', 'z'); // same size, other content
    const report = await verifyAgainst(manifest, fx.store, ['runs/test/logs/'], 4);
    expect(report.mismatches).toEqual([
      { key: 'runs/test/logs/a.log', problem: 'sha256', expected: sha('a'), actual: sha('z') },
      { key: 'runs/test/logs/b.log', problem: 'missing' },
    ]);
  });
});
