import { readFile } from 'node:fs/promises';

import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SyncOutcome } from './engine';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

// Class 6 of issue 11: newest-wins never moves an unchanged byte and never loses the newer copy.
let fx: S3Fixture;
beforeAll(async () => {
  fx = await createS3Fixture('newest-wins');
});
afterAll(() => fx.cleanup());

const HOUR = 3_600_000;
const key = (rel: string) => `runs/test/checkpoints/${rel}`;
const checkpointActions = (outcome: SyncOutcome) =>
  outcome.plan.folders.find((f) => f.folder === 'checkpoints')!.actions.map((a) => [a.relPath, a.type]);
const moved = (outcome: SyncOutcome) => outcome.plan.folders.flatMap((f) => f.actions).filter((a) => a.type !== 'skip');

async function objectText(objectKey: string): Promise<string> {
  const out = await fx.client.send(new GetObjectCommand({ Bucket: fx.bucket, Key: objectKey, ...fx.key.params() }));
  return out.Body!.transformToString();
}

describe('newest-wins: unchanged files are a no-op both ways', () => {
  it('a second push, and a push right after a pull, move nothing', async () => {
    const base = Date.now() - 5 * HOUR;
    await fx.writeLocal('checkpoints', 'noop/a.pt', 'weights a', base);
    await fx.writeLocal('checkpoints', 'noop/b.pt', Buffer.alloc(2 * 1024 * 1024, 3), base + 1);
    const first = await fx.sync('push', { spec: { folders: fx.spec.folders.filter((f) => f.name === 'checkpoints') } });
    expect(first.summary?.uploaded).toBe(2);

    const second = await fx.sync('push');
    expect(moved(second)).toEqual([]);
    expect(second.summary).toMatchObject({ uploaded: 0, bytes: 0 });

    const pull = await fx.sync('pull');
    expect(moved(pull)).toEqual([]);
    const pushAfterPull = await fx.sync('push');
    expect(moved(pushAfterPull)).toEqual([]);
    expect(checkpointActions(pushAfterPull)).toEqual([
      ['noop/a.pt', 'skip'],
      ['noop/b.pt', 'skip'],
    ]);
  });

  it('a fresh machine that pulled the checkpoints pushes nothing back', async () => {
    await fx.seed(key('fresh/c.pt'), 'from another machine', Date.now() - 2 * HOUR);
    const other = await fx.sync('pull', { spec: { localRoot: `${fx.root}-fresh` } });
    expect(other.summary?.downloaded).toBeGreaterThanOrEqual(1);
    const push = await fx.sync('push', { spec: { localRoot: `${fx.root}-fresh` } });
    expect(moved(push)).toEqual([]);
  });
});

describe('newest-wins: a true tie keeps both', () => {
  it('equal mtime, different content: S3 copy stays, the local copy goes up beside it, the user is told', async () => {
    const t = Date.now() - 3 * HOUR;
    await fx.seed(key('tie/epoch-7.pt'), 'S3 copy', t);
    await fx.writeLocal('checkpoints', 'tie/epoch-7.pt', 'local!!', t); // same size, other bytes
    const spec = { conflictTag: 'laptop' };

    const pull = await fx.sync('pull', { spec });
    expect(await readFile(fx.localPath('checkpoints', 'tie/epoch-7.pt'), 'utf8')).toBe('local!!');
    expect(pull.summary?.conflicts?.map((c) => c.relPath)).toEqual(['tie/epoch-7.pt']);

    const push = await fx.sync('push', { spec });
    const conflict = push.summary!.conflicts![0]!;
    expect(conflict.conflictKey).toMatch(/^runs\/test\/checkpoints\/tie\/epoch-7\.conflict-laptop-[0-9a-f]{8}\.pt$/);
    expect(await objectText(key('tie/epoch-7.pt'))).toBe('S3 copy');
    expect(await objectText(conflict.conflictKey)).toBe('local!!');
    expect(push.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        message: expect.stringContaining('Conflict in checkpoints/tie/epoch-7.pt'),
      }),
    );

    // Until the user decides, pushes keep telling and move nothing more.
    const again = await fx.sync('push', { spec });
    expect(moved(again)).toEqual([]);
    expect(again.summary?.conflicts).toHaveLength(1);
  });

  it('an S3 copy with no recorded mtime is never overwritten by its upload time', async () => {
    // Written by another tool: no TrainDeck metadata, LastModified = now (newer than the file).
    await fx.client.send(
      new (await import('@aws-sdk/client-s3')).PutObjectCommand({
        Bucket: fx.bucket,
        Key: key('foreign/model.pt'),
        Body: 'foreign',
        ...fx.key.params(),
      }),
    );
    await fx.writeLocal('checkpoints', 'foreign/model.pt', 'mine, newer', Date.now() + HOUR);
    const push = await fx.sync('push', { spec: { conflictTag: 'laptop' } });
    expect(await objectText(key('foreign/model.pt'))).toBe('foreign');
    expect(push.summary?.conflicts?.map((c) => c.relPath)).toContain('foreign/model.pt');
  });
});
