import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

import { PARQUET_BYTES, TRAIN_MJS } from './training-repo';

// The bed's training script is what the end-to-end tests of relaunch and resume lean on. Invariant: a
// run resumed from a checkpoint continues after that checkpoint's epoch (no step repeated, none
// skipped), and a SIGTERM leaves a whole checkpoint of the last finished epoch.

const dir = mkdtempSync(join(tmpdir(), 'traindeck-train-mjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'train.mjs'), TRAIN_MJS);
mkdirSync(join(dir, 'datasets'));
writeFileSync(join(dir, 'datasets', 'train.parquet'), PARQUET_BYTES);

const env = (run: string, more: Record<string, string> = {}) => ({
  PATH: process.env.PATH,
  TRAINDECK_CHECKPOINTS_DIR: join(dir, run, 'checkpoints'),
  TRAINDECK_MODELS_DIR: join(dir, run, 'models'),
  TRAINDECK_LOGS_DIR: join(dir, run, 'logs'),
  TRAINDECK_DATASETS_DIR: join(dir, 'datasets'),
  STEP_MS: '1',
  ...more,
});
const train = (run: string, more: Record<string, string> = {}) =>
  promisify(execFile)(process.execPath, [join(dir, 'train.mjs')], { env: env(run, more) });
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>;
const steps = (run: string) =>
  readFileSync(join(dir, run, 'logs', 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { step: number }).step);

describe('train.mjs (the EC2 test bed training)', () => {
  it('resumes after the checkpoint it is given, under its attempt number', async () => {
    await train('a', { EPOCHS: '2', STEPS: '3' });
    expect(json(join(dir, 'a', 'checkpoints', 'epoch-002.ckpt'))).toEqual({ epoch: 2, step: 6, attempt: 1 });
    const resumed = await train('a', {
      EPOCHS: '4',
      STEPS: '3',
      TRAINDECK_RESUME_FROM: join(dir, 'a', 'checkpoints', 'epoch-002.ckpt'),
      TRAINDECK_ATTEMPT: '2',
    });
    expect(resumed.stdout).toMatch(/^resumed from .*epoch-002\.ckpt after epoch 2 \(attempt 2\)$/m);
    expect(steps('a')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(json(join(dir, 'a', 'models', 'model.json'))).toEqual({ epochs: 4, steps: 12, attempt: 2 });
  });

  it('SIGTERM while it waits after an epoch: a whole interrupted.ckpt of that epoch, exit 143', async () => {
    const child = spawn(process.execPath, [join(dir, 'train.mjs')], {
      env: env('b', { EPOCHS: '3', STEPS: '2', HANG_AFTER_EPOCH: '1' }),
    });
    let out = '';
    const hanging = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => ((out += chunk.toString()), out.includes('hanging') && resolve())),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await hanging;
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(json(join(dir, 'b', 'checkpoints', 'interrupted.ckpt'))).toEqual({ epoch: 1, step: 2, attempt: 1 });
  });
});
