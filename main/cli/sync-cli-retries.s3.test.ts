import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type {} from '../../e2e/services/s3-global-setup';
import type { SyncEvent } from '../../shared/sync/events';
import { createS3Client } from '../aws/s3-client';
import { startFaultProxy } from '../sync/testing/fault-proxy';

const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'traindeck.mjs');
let dir: string;
let bucket: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  dir = await mkdtemp(join(tmpdir(), 'traindeck-cli-retries-'));
  await writeFile(join(dir, 'key.bin'), randomBytes(32));
  const s3 = inject('s3');
  bucket = `td-cli-retries-${randomBytes(4).toString('hex')}`;
  await createS3Client({
    region: s3.region,
    endpoints: { S3: s3.endpoint },
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  }).send(new CreateBucketCommand({ Bucket: bucket }));
  await mkdir(join(dir, 'data', 'logs'), { recursive: true });
  for (let i = 0; i < 40; i += 1) await writeFile(join(dir, 'data', 'logs', `f${i}.txt`), randomBytes(2000));
  await writeFile(
    join(dir, 'run.json'),
    JSON.stringify({
      version: 1,
      aws: { region: s3.region },
      storage: { bucket, prefix: 'cli', sseKeyFile: 'key.bin', localRoot: 'data' },
    }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the CLI through a flaky S3 (503 SlowDown)', () => {
  it('prints one line per retry and nothing from the SDK; --json has a retry event for each', async () => {
    const s3 = inject('s3');
    const proxy = await startFaultProxy(s3.endpoint, (req, n) =>
      req.method === 'PUT' && n % 3 === 0 ? { status: 503, code: 'SlowDown' } : 'pass',
    );
    try {
      const run = (json: boolean) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
          const child = spawn(
            process.execPath,
            [CLI, 'sync', 'push', '--config', join(dir, 'run.json'), ...(json ? ['--json'] : [])],
            {
              // No AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED here: the CLI itself keeps the SDK quiet.
              env: {
                PATH: process.env.PATH,
                HOME: dir,
                AWS_ENDPOINT_URL_S3: proxy.endpoint,
                AWS_ACCESS_KEY_ID: s3.accessKeyId,
                AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
                AWS_REGION: s3.region,
              },
              stdio: ['ignore', 'pipe', 'pipe'],
            },
          );
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
        });
      const plain = await run(false);
      expect(plain.code).toBe(0);
      const lines = plain.stderr.split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).toMatch(
          /^retrying cli\/logs\/f\d+\.txt \(attempt \d+\): S3 is throttling requests \(SlowDown, HTTP 503\); retrying in \d+\.\d s$/,
        );
      }

      for (let i = 0; i < 40; i += 1) await writeFile(join(dir, 'data', 'logs', `g${i}.txt`), randomBytes(2000));
      const json = await run(true);
      expect(json.code).toBe(0);
      const events = json.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SyncEvent);
      expect(events.filter((e) => e.type === 'retry').length).toBeGreaterThan(0);
      expect(json.stderr).toBe('');
    } finally {
      await proxy.close();
    }
  });
});
