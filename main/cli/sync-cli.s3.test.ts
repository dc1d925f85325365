import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type {} from '../../e2e/services/s3-global-setup';
import type { SyncEvent } from '../../shared/sync/events';
import { createS3Client } from '../aws/s3-client';

const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'traindeck.mjs');
let dir: string;
let bucket: string;

/** Runs the built CLI with the test S3 in its environment; returns the JSON lines and the exit code. */
function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; events: SyncEvent[]; stderr: string }> {
  const s3 = inject('s3');
  const child = spawn(process.execPath, [CLI, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: s3.region,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: SyncEvent[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => events.push(JSON.parse(line) as SyncEvent));
  return new Promise((done) => child.on('close', (code) => done({ code: code ?? -1, events, stderr })));
}

async function config(name: string, storage: Record<string, unknown>): Promise<string> {
  const path = join(dir, name);
  await writeFile(
    path,
    JSON.stringify({
      version: 1,
      aws: { region: 'us-east-1' },
      storage: { bucket, prefix: 'cli', sseKeyFile: 'key.bin', localRoot: 'data', ...storage },
    }),
  );
  return path;
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  dir = await mkdtemp(join(tmpdir(), 'traindeck-cli-'));
  await writeFile(join(dir, 'key.bin'), randomBytes(32));
  const s3 = inject('s3');
  bucket = `td-cli-${randomBytes(4).toString('hex')}`;
  await createS3Client({
    region: s3.region,
    endpoints: { S3: s3.endpoint },
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  }).send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('traindeck sync (the built CLI against real S3)', () => {
  it('sync encrypt lists (--dry-run --json) then re-encrypts an object stored without SSE-C; the next pull flags nothing', async () => {
    const s3 = inject('s3');
    await createS3Client({
      region: s3.region,
      endpoints: { S3: s3.endpoint },
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    }).send(new PutObjectCommand({ Bucket: bucket, Key: 'enc/logs/plain.log', Body: 'no SSE-C\n' }));
    const run = await config('enc.json', { prefix: 'enc', localRoot: 'enc' });
    const dry = await cli(['sync', 'encrypt', '--config', run, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(dry.events).toContainEqual({ type: 'encrypt', key: 'enc/logs/plain.log', outcome: 'found' });
    const done = await cli(['sync', 'encrypt', '--config', run, '--json']);
    expect(done.stderr).toBe('');
    expect(done.events).toContainEqual(
      expect.objectContaining({ type: 'encrypt-summary', encrypted: ['enc/logs/plain.log'], failures: [] }),
    );
    const pull = await cli(['sync', 'pull', '--config', run, '--json']);
    const summary = pull.events.find((e) => e.type === 'summary');
    expect(summary).toMatchObject({ summary: { downloaded: 1, failures: [] } });
    expect(summary?.type === 'summary' && summary.summary.unencrypted).toBeFalsy();
  });

  it('pushes and pulls 2,000 small files, JSON lines ending with summary and resources', async () => {
    const local = join(dir, 'data', 'logs');
    await mkdir(local, { recursive: true });
    for (let i = 0; i < 2000; i += 1) {
      await writeFile(join(local, `f${String(i).padStart(4, '0')}.txt`), randomBytes(4096 + (i % 60) * 1024));
    }
    const push = await cli(['sync', 'push', '--config', await config('run.json', {}), '--json']);
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);
    expect(push.events.find((e) => e.type === 'summary')).toMatchObject({ summary: { uploaded: 2000, failures: [] } });
    expect(push.events.at(-1)?.type).toBe('resources');

    const pull = await cli(['sync', 'pull', '--config', await config('copy.json', { localRoot: 'copy' }), '--json']);
    expect(pull.events.find((e) => e.type === 'summary')).toMatchObject({
      summary: { downloaded: 2000, failures: [] },
    });
    const verify = await cli([
      'sync',
      'verify',
      '--config',
      await config('run.json', {}),
      '--json',
      '--folder',
      'logs',
    ]);
    expect(verify.events.find((e) => e.type === 'verify')).toMatchObject({ checked: 2000, mismatches: [] });
    expect(verify.code).toBe(0);
  });

  it('moves a 1 GB file both ways with peak RSS under 300 MB', async () => {
    const local = join(dir, 'big', 'models');
    await mkdir(local, { recursive: true });
    const handle = await open(join(local, 'model.bin'), 'w');
    const block = randomBytes(8 * 1024 * 1024);
    for (let i = 0; i < 128; i += 1) {
      block.writeUInt32LE(i, 0); // no two blocks alike
      await handle.write(block);
    }
    await handle.close();
    const push = await cli([
      'sync',
      'push',
      '--config',
      await config('big.json', { localRoot: 'big', prefix: 'big' }),
      '--json',
      '--folder',
      'models',
    ]);
    expect(push.events.find((e) => e.type === 'summary')).toMatchObject({
      summary: { uploaded: 1, bytes: 1024 * 1024 * 1024, failures: [] },
    });
    const pushRss = push.events.find((e) => e.type === 'resources');
    await rm(join(dir, 'big'), { recursive: true });
    const pull = await cli([
      'sync',
      'pull',
      '--config',
      await config('big.json', { localRoot: 'big', prefix: 'big' }),
      '--json',
      '--folder',
      'models',
    ]);
    expect(pull.events.find((e) => e.type === 'summary')).toMatchObject({ summary: { downloaded: 1, failures: [] } });
    const pullRss = pull.events.find((e) => e.type === 'resources');
    for (const rss of [pushRss, pullRss]) {
      expect(rss && rss.type === 'resources' && rss.peakRssBytes).toBeLessThan(300 * 1024 * 1024);
    }
    await rm(join(dir, 'big'), { recursive: true });
  }, 240_000);
});
