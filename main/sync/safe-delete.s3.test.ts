import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createS3ObjectStore } from '../aws/s3-object-store';
import { sha256Buffer } from './hash-file';
import { SseKey } from './sse-key';
import { abortAfter } from './testing/abort-after';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

let fx: S3Fixture;
beforeEach(async () => {
  fx = await createS3Fixture('safe-delete');
});
afterEach(() => fx.cleanup());

const key = (rel: string) => `runs/test/models/${rel}`;

describe('deletes on push are safe', () => {
  it('never deletes an object no sync has seen (written by someone else)', async () => {
    await fx.seed(key('theirs.pkl'), 'not ours');
    await fx.writeLocal('models', 'mine.pkl', 'ours');
    const out = await fx.sync('push');
    expect(
      out.plan.folders.find((f) => f.folder === 'models')!.actions.find((a) => a.relPath === 'theirs.pkl'),
    ).toMatchObject({ type: 'skip', reason: expect.stringContaining('never seen') });
    expect(await fx.keys()).toEqual([key('mine.pkl'), key('theirs.pkl')]);
  });

  it('a local cleanup followed by a push cleans the bucket', async () => {
    for (const name of ['a.pkl', 'b.pkl', 'c.pkl']) await fx.seed(key(name), name);
    await fx.sync('pull');
    await rm(fx.localPath('models', 'a.pkl'));
    await rm(fx.localPath('models', 'b.pkl'));
    const out = await fx.sync('push');
    expect(out.summary).toMatchObject({ deleted: 2, failures: [] });
    expect(await fx.keys()).toEqual([key('c.pkl')]);
  });

  it('keeps an object that changed in S3 since the last sync, even if deleted locally', async () => {
    await fx.seed(key('shared.pkl'), 'v1');
    await fx.sync('pull');
    await fx.seed(key('shared.pkl'), 'v2 written elsewhere');
    await rm(fx.localPath('models', 'shared.pkl'));
    const out = await fx.sync('push');
    expect(out.summary?.deleted).toBe(0);
    expect(await fx.keys()).toEqual([key('shared.pkl')]);
  });

  it('an object a pull failed to download is not deleted by the next push', async () => {
    await fx.seed(key('ok.pkl'), 'fine');
    // Written with another key: this pull cannot read it.
    const otherStore = createS3ObjectStore(fx.client, fx.bucket, new SseKey(randomBytes(32)));
    await otherStore.put({
      key: key('locked.pkl'),
      body: { buffer: Buffer.from('secret') },
      bodySha256: sha256Buffer(Buffer.from('secret')),
      metadata: {},
    });
    const pull = await fx.sync('pull');
    expect(pull.summary?.failures.map((f) => f.relPath)).toEqual(['locked.pkl']);
    const push = await fx.sync('push');
    expect(push.summary?.deleted).toBe(0);
    expect(await fx.keys()).toEqual([key('locked.pkl'), key('ok.pkl')]);
  });

  it('a pull interrupted midway forgets the old baseline: the next push deletes nothing', async () => {
    for (let i = 0; i < 40; i += 1) await fx.seed(key(`f${i}.bin`), randomBytes(2000));
    await fx.sync('pull');
    const controller = new AbortController();
    await rm(fx.localPath('models', ''), { recursive: true });
    const interrupted = await fx.sync('pull', {
      spec: { concurrency: 2 },
      store: abortAfter(fx.store, 'get', 5, controller),
      signal: controller.signal,
    });
    expect(interrupted.summary?.cancelled).toBe(true);
    const push = await fx.sync('push');
    expect(push.summary?.deleted).toBe(0);
    expect(await fx.keys()).toHaveLength(40);
  });

  it('a missing local folder pushes nothing and deletes nothing', async () => {
    await fx.seed(key('x.pkl'), 'x');
    await fx.sync('pull');
    await rm(fx.localPath('models', ''), { recursive: true });
    const out = await fx.sync('push');
    expect(out.plan.folders.find((f) => f.folder === 'models')!.note).toMatch(
      /does not exist: nothing pushed, nothing deleted/,
    );
    expect(await fx.keys()).toEqual([key('x.pkl')]);
  });
});
