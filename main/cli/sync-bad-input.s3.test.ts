import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';

import type {} from '../../e2e/services/s3-global-setup';
import { createS3Client } from '../aws/s3-client';
import { runCli } from './cli';

let dir: string;
let bucket: string;
let client: S3Client;

beforeAll(async () => {
  const s3 = inject('s3');
  vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', s3.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.secretAccessKey);
  dir = await mkdtemp(join(tmpdir(), 'traindeck-bad-'));
  await writeFile(join(dir, 'key.bin'), randomBytes(32));
  await writeFile(join(dir, 'short.key'), randomBytes(16));
  await mkdir(join(dir, 'data', 'models'), { recursive: true });
  await writeFile(join(dir, 'data', 'models', 'm.pkl'), 'model');
  await mkdir(join(dir, 'data', 'cached_datasets'), { recursive: true });
  client = createS3Client({
    region: s3.region,
    endpoints: { S3: s3.endpoint },
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  bucket = `td-bad-${randomBytes(4).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

async function sync(storage: Record<string, unknown>, ...args: string[]) {
  const path = join(dir, `run-${randomBytes(3).toString('hex')}.json`);
  await writeFile(
    path,
    JSON.stringify({
      version: 1,
      aws: { region: 'us-east-1' },
      storage: { bucket, sseKeyFile: 'key.bin', ...storage },
    }),
  );
  let out = '';
  let err = '';
  const code = await runCli(['sync', ...(args.length ? args : ['push']), '--config', path], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: process.env,
    projectRoot: process.cwd(),
  });
  return { code, out, err };
}

const objects = async () => (await client.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount ?? 0;

describe('bad input: one clear line, before any transfer', () => {
  it.each([
    [
      'a missing bucket',
      { bucket: 'no-such-bucket-traindeck' },
      /Bucket no-such-bucket-traindeck does not exist \(looked in us-east-1\)\. Create it, or fix storage\.bucket/,
    ],
    ['an SSE-C key of the wrong length', { sseKeyFile: 'short.key' }, /does not hold a 32-byte key \(it has 16 bytes/],
    ['a missing key file', { sseKeyFile: 'nope.key' }, /SSE-C key file .*nope\.key does not exist/],
    ['an invalid bucket name', { bucket: 'Bad_Bucket' }, /storage\.bucket: a bucket name uses lowercase letters/],
    [
      'a prefix with a trailing slash',
      { prefix: 'runs/' },
      /storage\.prefix: write the prefix without a leading or trailing "\/"/,
    ],
    [
      'a sync folder escaping the data folder',
      { folders: [{ name: 'x', local: '../etc', remote: 'x', policy: 'local-wins' }] },
      /a sync folder is a path inside the data folder/,
    ],
  ])('%s', async (_label, storage, message) => {
    const { code, err } = await sync(storage);
    expect(code).toBe(1);
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(await objects()).toBe(0);
  });

  it.each([
    ['a missing key file', { sseKeyFile: 'nope.key' }, /SSE-C key file .*nope\.key does not exist/],
    ['a missing bucket', { bucket: 'no-such-bucket-traindeck' }, /Bucket no-such-bucket-traindeck does not exist/],
  ])('with --json, %s still ends the JSON lines with an error line', async (_label, storage, message) => {
    const { code, out, err } = await sync(storage, 'push', '--json');
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    const last = JSON.parse(out.trim().split('\n').at(-1)!) as { type: string; message: string; fix?: string };
    expect(last).toMatchObject({ type: 'error', message: expect.stringMatching(message), fix: expect.any(String) });
  });

  it('a local sync path that is a file, not a folder', async () => {
    await writeFile(join(dir, 'data', 'logs'), 'I am a file');
    const { code, err } = await sync({});
    await rm(join(dir, 'data', 'logs'));
    expect(code).toBe(1);
    expect(err).toMatch(/The local path of folder "logs" is not a folder: .*data\/logs\./);
    expect(await objects()).toBe(0);
  });

  it('a dataset folder asked to push', async () => {
    const { code, err } = await sync({}, 'push', '--folder', 'cached_datasets');
    expect(code).toBe(1);
    expect(err).toMatch(/Folder "cached_datasets" is pull-only .* TrainDeck never pushes it/);
  });

  it('no permission (wrong secret key)', async () => {
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wrong-secret');
    const { code, err } = await sync({});
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', inject('s3').secretAccessKey);
    expect(code).toBe(1);
    expect(err).toMatch(/Access denied to bucket td-bad-/);
    expect(await objects()).toBe(0);
  });

  it('usage errors exit 2', async () => {
    const { code, err } = await sync({}, 'sideways');
    expect(code).toBe(2);
    expect(err).toMatch(/say pull, push, verify, encrypt or lifecycle/);
  });

  it('lifecycle applies the Intelligent-Tiering rule to the run prefix on the real server', async () => {
    const { code, out } = await sync({ prefix: 'runs/one' }, 'lifecycle');
    expect(code).toBe(0);
    expect(out).toMatch(/moves s3:\/\/td-bad-[0-9a-f]+\/runs\/one\/ to INTELLIGENT_TIERING/);
    const { GetBucketLifecycleConfigurationCommand } = await import('@aws-sdk/client-s3');
    const rules = (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
    expect(rules).toEqual([
      expect.objectContaining({
        Filter: expect.objectContaining({ Prefix: 'runs/one/' }),
        Transitions: [expect.objectContaining({ StorageClass: 'INTELLIGENT_TIERING' })],
      }),
    ]);
  });

  it('a dry run prints the plan and transfers nothing', async () => {
    const { code, out } = await sync({}, 'push', '--dry-run');
    expect(code).toBe(0);
    expect(out).toMatch(/upload\s+m\.pkl \(5 B\) — missing in S3/);
    expect(await objects()).toBe(0);
  });
});
