import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../../shared/domain/run';
import type { PushNowResult } from '../../../shared/executor/protocol';
import { newestCheckpoint, type RunControls } from './push-now';
import { createRunFixture, type RunFixture } from './testing/run-fixture';

// Issue 17 point 5 in a real run (sshd + git over SSH + Ceph RGW): a push asked for during
// training, racing a checkpoint that is being written.
let f: RunFixture;
beforeAll(async () => {
  f = await createRunFixture('pushnow');
}, 120_000);
afterAll(() => f?.cleanup());

const CHUNKS = 30;
const complete = Array.from({ length: CHUNKS }, (_, i) => `chunk-${String(i + 1).padStart(4, '0')}\n`).join('');

async function objectText(key: string): Promise<string | undefined> {
  try {
    const out = await f.fx.client.send(new GetObjectCommand({ Bucket: f.fx.bucket, Key: key, ...f.fx.key.params() }));
    return await out.Body!.transformToString();
  } catch {
    return undefined;
  }
}

/** Resolves when a training line containing `text` was emitted. */
function lineSeen(lines: string[], text: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (lines.some((l) => l.includes(text))) {
        clearInterval(timer);
        resolve();
      } else if (signal.aborted) {
        clearInterval(timer);
        reject(new Error(`no training line with "${text}" in time`));
      }
    }, 50);
  });
}

describe('push during training', () => {
  it('pushes the chosen folder while training goes on; a checkpoint being written is skipped, never half; once settled it goes up whole', async () => {
    const controls: RunControls = {};
    const lines: string[] = [];
    const onEvent = (e: RunEvent) => {
      if (e.type === 'log' && e.source === 'train') lines.push(e.line);
    };
    const config = f.config((raw) => {
      raw.training.env = { TRAIN_MODE: 'writer', EPOCHS: '1', WRITER_CHUNKS: String(CHUNKS), AFTER_WRITER_SLEEP: '15' };
    });
    const running = f.run(config, f.sshHost(), { controls, onEvent });
    const limit = AbortSignal.timeout(120_000);
    await lineSeen(lines, 'writer started', limit);
    expect(controls.pushNow, 'push now is offered while the executor trains').toBeDefined();

    // Pushes racing the writer: racing.ckpt is never in S3 as part of a file.
    const during: PushNowResult[] = [];
    while (!lines.some((l) => l.includes('writer done'))) {
      during.push(await controls.pushNow!(['checkpoints'], AbortSignal.timeout(60_000)));
      const seen = await objectText('runs/test/checkpoints/racing.ckpt');
      expect(seen === undefined || seen === complete, `S3 holds part of the file: ${seen?.length} bytes`).toBe(true);
    }
    expect(during.length).toBeGreaterThan(0);
    expect(during[0]!.folders).toEqual(['checkpoints']);
    expect(during.every((r) => r.failures.length === 0)).toBe(true);
    // The epoch checkpoint written a moment before may be skipped too; racing.ckpt always was.
    for (const r of during) {
      if (r.skipped.length === 0) continue;
      expect(r.skipped.find((s) => s.relPath === 'racing.ckpt')?.reason).toMatch(
        /being written|changed while uploading/,
      );
    }
    expect(during.some((r) => r.skipped.some((s) => s.relPath === 'racing.ckpt'))).toBe(true);

    // The writer is done and its file settles (5 s window); the training still runs.
    await new Promise((r) => setTimeout(r, 5_500));
    const settled = await controls.pushNow!(['checkpoints'], AbortSignal.timeout(60_000));
    expect(settled.skipped).toEqual([]);
    expect(settled.uploaded).toBeGreaterThanOrEqual(1);
    expect(await objectText('runs/test/checkpoints/racing.ckpt')).toBe(complete);
    // Only the chosen folder moved: the logs are not in S3 yet (the final push takes them).
    expect((await f.fx.keys()).some((k) => k.startsWith('runs/test/logs/'))).toBe(false);
    const newest = await newestCheckpoint(f.fx.store, { prefix: 'runs/test', folders: config.storage.folders });
    expect(newest?.key).toMatch(/^runs\/test\/checkpoints\//);
    expect(Date.now() - Date.parse(newest!.at)).toBeLessThan(10 * 60_000);

    // The training was not disturbed: it ran to its end, and the final push verified.
    const run = await running;
    expect(run.result.outcome).toBe('succeeded');
    expect(lines.some((l) => l.includes('training finished'))).toBe(true);
    expect(run.snapshot.phases['verifying-sync'].status).toBe('succeeded');
    expect(controls.pushNow, 'no push now once the training is over').toBeUndefined();
  }, 240_000);
});
