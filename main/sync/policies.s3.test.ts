import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { mtimeOf } from './local-files';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

let fx: S3Fixture;
beforeAll(async () => {
  fx = await createS3Fixture('policies');
});
afterAll(() => fx.cleanup());

const key = (folder: string, rel: string) => `runs/test/${folder}/${rel}`;
const HOUR = 3_600_000;

describe('cached datasets (pull-only)', () => {
  it('pull downloads every object; a differing local file is replaced; push never writes', async () => {
    await fx.seed(key('cached-datasets', 'train.parquet'), 'PAR1 rows PAR1');
    await fx.seed(key('cached-datasets', 'val/part-0.parquet'), 'PAR1 val PAR1');

    const pulled = await fx.sync('pull');
    expect(pulled.summary?.failures).toEqual([]);
    expect(await readFile(fx.localPath('cached_datasets', 'train.parquet'), 'utf8')).toBe('PAR1 rows PAR1');
    expect(await readFile(fx.localPath('cached_datasets', 'val/part-0.parquet'), 'utf8')).toBe('PAR1 val PAR1');

    await fx.writeLocal('cached_datasets', 'train.parquet', 'PAR1 edited locally PAR1');
    const again = await fx.sync('pull');
    expect(
      again.plan.folders
        .find((f) => f.folder === 'cached_datasets')!
        .actions.find((a) => a.relPath === 'train.parquet'),
    ).toMatchObject({ type: 'download', reason: expect.stringContaining('source of truth') });
    expect(await readFile(fx.localPath('cached_datasets', 'train.parquet'), 'utf8')).toBe('PAR1 rows PAR1');

    await fx.writeLocal('cached_datasets', 'local-only.parquet', 'PAR1 mine PAR1');
    const pushed = await fx.sync('push');
    expect(pushed.plan.folders.find((f) => f.folder === 'cached_datasets')!.note).toMatch(/pull-only/);
    expect(await fx.keys()).not.toContain(key('cached-datasets', 'local-only.parquet'));
  });
});

describe('logs and models (local-wins)', () => {
  it('push uploads and then overwrites S3 with the local version', async () => {
    await fx.writeLocal('models', 'model.pkl', 'v1');
    await fx.sync('push');
    await fx.writeLocal('models', 'model.pkl', 'v2-longer');
    const second = await fx.sync('push');
    expect(
      second.plan.folders.find((f) => f.folder === 'models')!.actions.find((a) => a.relPath === 'model.pkl'),
    ).toMatchObject({ type: 'upload', reason: expect.stringContaining('local overwrites') });
    const head = await fx.client.send(
      new HeadObjectCommand({ Bucket: fx.bucket, Key: key('models', 'model.pkl'), ...fx.key.params() }),
    );
    expect(head.ContentLength).toBe('v2-longer'.length);
    expect(head.Metadata?.['traindeck-sha256']).toBe(createHash('sha256').update('v2-longer').digest('hex'));
  });

  it('same size but different content is detected by SHA-256, not by size', async () => {
    await fx.writeLocal('logs', 'train.log', 'aaaa');
    await fx.sync('push');
    await fx.writeLocal('logs', 'train.log', 'bbbb');
    const out = await fx.sync('push');
    expect(
      out.plan.folders.find((f) => f.folder === 'logs')!.actions.find((a) => a.relPath === 'train.log')!.type,
    ).toBe('upload');
  });

  it('pull fills in what is missing locally but never overwrites a differing local file', async () => {
    await fx.writeLocal('models', 'keep.txt', 'local version');
    await fx.sync('push');
    await fx.writeLocal('models', 'keep.txt', 'newer local edit, not pushed');
    const out = await fx.sync('pull');
    const models = out.plan.folders.find((f) => f.folder === 'models')!;
    expect(models.actions.find((a) => a.relPath === 'keep.txt')).toMatchObject({
      type: 'skip',
      reason: expect.stringContaining('local wins'),
    });
    expect(await readFile(fx.localPath('models', 'keep.txt'), 'utf8')).toBe('newer local edit, not pushed');
  });
});

describe('checkpoints (newest-wins)', () => {
  it('the newer side wins both ways, by file mtime recorded on the object', async () => {
    const base = Date.now() - 10 * HOUR;
    await fx.writeLocal('checkpoints', 'epoch-1.pt', 'old', base);
    await fx.sync('push');
    // Another machine pushed a newer epoch-1 (its file mtime is recorded on the object).
    await fx.seed(key('checkpoints', 'epoch-1.pt'), 'newer in S3', base + HOUR);

    const push = await fx.sync('push');
    expect(push.plan.folders.find((f) => f.folder === 'checkpoints')!.actions[0]).toMatchObject({
      type: 'skip',
      reason: expect.stringContaining('S3 copy is newer'),
    });
    const pull = await fx.sync('pull');
    expect(pull.summary?.downloaded).toBeGreaterThanOrEqual(1);
    expect(await readFile(fx.localPath('checkpoints', 'epoch-1.pt'), 'utf8')).toBe('newer in S3');
    expect(mtimeOf(await stat(fx.localPath('checkpoints', 'epoch-1.pt')))).toBe(base + HOUR); // mtime restored

    await fx.writeLocal('checkpoints', 'epoch-1.pt', 'newest, local', base + 2 * HOUR);
    const pullAgain = await fx.sync('pull');
    expect(pullAgain.plan.folders.find((f) => f.folder === 'checkpoints')!.actions[0]).toMatchObject({
      type: 'skip',
      reason: expect.stringContaining('local copy is newer'),
    });
    const pushAgain = await fx.sync('push');
    expect(pushAgain.summary?.uploaded).toBe(1);
  });
});

describe('storage', () => {
  it('stores every object as INTELLIGENT_TIERING with SHA-256 and mtime metadata', async () => {
    await fx.writeLocal('models', 'tiered.bin', Buffer.alloc(2048, 7));
    await fx.sync('push');
    // Every object the engine wrote (the dataset objects were seeded by the test itself).
    for (const k of (await fx.keys()).filter((k) => !k.includes('/cached-datasets/'))) {
      const head = await fx.client.send(new HeadObjectCommand({ Bucket: fx.bucket, Key: k, ...fx.key.params() }));
      expect(head.StorageClass, k).toBe('INTELLIGENT_TIERING');
      expect(head.Metadata?.['traindeck-sha256'], k).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
