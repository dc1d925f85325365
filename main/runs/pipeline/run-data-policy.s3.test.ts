import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunFixture, type RunFixture } from './testing/run-fixture';

// Issue 11 in a real run (sshd + git over SSH + Ceph RGW): newest-wins outcomes, per-run logs, foreign datasets.
let f: RunFixture;
beforeAll(async () => {
  f = await createRunFixture('datapolicy');
}, 120_000);
afterAll(() => f?.cleanup());

const HOUR = 3_600_000;
const failedPhases = (run: Awaited<ReturnType<RunFixture['run']>>) =>
  JSON.stringify(run.events.filter((e) => e.type === 'phase' && e.status === 'failed'));

async function objectText(key: string): Promise<string> {
  const out = await f.fx.client.send(new GetObjectCommand({ Bucket: f.fx.bucket, Key: key, ...f.fx.key.params() }));
  return out.Body!.transformToString();
}

describe('checkpoints in a run (newest-wins)', () => {
  it('an equal-mtime conflict keeps both and a newer S3 copy is kept: the sync verification passes without re-pushes', async () => {
    const tie = Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000;
    await f.fx.seed('runs/test/checkpoints/epoch-1.ckpt', 'epoch 1 from another machine', tie);
    await f.fx.seed('runs/test/checkpoints/epoch-2.ckpt', 'epoch 2, newer, from another machine', Date.now() + HOUR);
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '2', CKPT_MTIME: String(tie / 1000) })),
      f.sshHost(),
    );
    expect(run.result.outcome, failedPhases(run)).toBe('succeeded');
    expect(run.snapshot.phases['verifying-sync'].detail).toMatchObject({ rePushes: 0 });
    // Both copies of the tie are in S3; the newer S3 copy was not overwritten.
    expect(await objectText('runs/test/checkpoints/epoch-1.ckpt')).toBe('epoch 1 from another machine');
    const copies = (await f.fx.keys()).filter((k) => k.startsWith('runs/test/checkpoints/epoch-1.conflict-'));
    expect(copies).toHaveLength(1);
    expect(await objectText(copies[0]!)).toBe('checkpoint of epoch 1\n');
    expect(await objectText('runs/test/checkpoints/epoch-2.ckpt')).toBe('epoch 2, newer, from another machine');
    const infos = run.events.flatMap((e) => (e.type === 'log' && e.source === 'info' ? [e.line] : []));
    expect(infos.some((l) => l.includes('epoch-2.ckpt: S3 kept a newer copy'))).toBe(true);
    expect(infos.some((l) => l.includes('epoch-1.ckpt: conflict'))).toBe(true);
  });
});
