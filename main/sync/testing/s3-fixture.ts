import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { inject } from 'vitest';

// Declares the provided 's3' context (started once per run by the global setup).
import type {} from '../../../e2e/services/s3-global-setup';
import type { SyncFolder } from '../../../shared/run-config/schema';
import { DEFAULT_SYNC_FOLDERS } from '../../../shared/run-config/schema';
import type { SyncEvent } from '../../../shared/sync/events';
import type { SyncDirection } from '../../../shared/sync/types';
import type { ObjectStore } from '../../aws/ports/object-store';
import { createS3Client, type S3PoolOptions } from '../../aws/s3-client';
import { createS3ObjectStore } from '../../aws/s3-object-store';
import { runSync, type SyncOutcome, type SyncRun } from '../engine';
import { SseKey } from '../sse-key';
import type { SyncSpec } from '../sync-spec';
import { TEST_SYNC_DEFAULTS } from './memory-spec';

/** A bucket, a key and a local root of one's own on the test S3, plus helpers. */
export interface S3Fixture {
  client: S3Client;
  bucket: string;
  key: SseKey;
  keyBytes: Buffer;
  root: string;
  spec: SyncSpec;
  store: ObjectStore;
  /** Runs pull or push with this fixture's spec (overridable), collecting events. */
  sync(
    direction: SyncDirection,
    options?: {
      spec?: Partial<SyncSpec>;
      store?: ObjectStore;
      signal?: AbortSignal;
      dryRun?: boolean;
      /** Re-hash local files instead of trusting the hash cache. */
      deep?: boolean;
      onEvent?: (e: SyncEvent) => void;
      /** Retry overrides (a short budget where a test expects requests to keep failing). */
      retry?: SyncRun['retry'];
    },
  ): Promise<SyncOutcome & { events: SyncEvent[] }>;
  /** Writes a local file under folder/relPath, optionally with an mtime. */
  writeLocal(folder: string, relPath: string, content: string | Buffer, mtimeMs?: number): Promise<string>;
  localPath(folder: string, relPath: string): string;
  /** Puts an object straight into S3 the way TrainDeck writes one (SSE-C, SHA-256 and mtime metadata). */
  seed(key: string, content: string | Buffer, mtimeMs?: number): Promise<void>;
  /** Every key in the bucket but the prefix's key marker (which every push writes). */
  keys(): Promise<string[]>;
  /**
   * A client for the same S3 with other settings (a proxy endpoint, say, or a short idle timeout;
   * `env`: the environment it reads, e.g. AWS_CA_BUNDLE for the HTTPS endpoint).
   */
  clientFor(endpoint: string, pool?: S3PoolOptions, env?: NodeJS.ProcessEnv): S3Client;
  cleanup(): Promise<void>;
}

/** Creates the fixture: a unique bucket named after the test file. */
export async function createS3Fixture(name: string, folders: SyncFolder[] = DEFAULT_SYNC_FOLDERS): Promise<S3Fixture> {
  const env = inject('s3');
  const clientFor = (endpoint: string, pool: S3PoolOptions = {}, clientEnv?: NodeJS.ProcessEnv) =>
    createS3Client(
      {
        region: env.region,
        endpoints: { S3: endpoint },
        credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
        maxAttempts: 1,
        ...(clientEnv ? { env: clientEnv } : {}),
      },
      pool,
    );
  const client = clientFor(env.endpoint);
  const bucket = `td-${name}-${randomBytes(4).toString('hex')}`.toLowerCase().slice(0, 63);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const keyBytes = randomBytes(32);
  const key = new SseKey(keyBytes);
  const root = await mkdtemp(join(tmpdir(), `traindeck-${name}-`));
  const spec: SyncSpec = { bucket, prefix: 'runs/test', localRoot: root, folders, ...TEST_SYNC_DEFAULTS };
  const store = createS3ObjectStore(client, bucket, key);
  const localPath = (folder: string, relPath: string) =>
    join(root, folders.find((f) => f.name === folder)!.local, relPath);

  return {
    client,
    bucket,
    key,
    keyBytes,
    root,
    spec,
    store,
    localPath,
    clientFor,
    async sync(direction, options = {}) {
      const events: SyncEvent[] = [];
      const outcome = await runSync(direction, {
        spec: { ...spec, ...options.spec },
        store: options.store ?? store,
        region: env.region,
        dryRun: options.dryRun ?? false,
        ...(options.deep ? { deep: true } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.retry ? { retry: options.retry } : {}),
        onEvent: (event) => {
          events.push(event);
          options.onEvent?.(event);
        },
      });
      return { ...outcome, events };
    },
    async writeLocal(folder, relPath, content, mtimeMs) {
      const path = localPath(folder, relPath);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
      if (mtimeMs !== undefined) await utimes(path, new Date(mtimeMs), new Date(mtimeMs));
      return path;
    },
    async seed(objectKey, content, mtimeMs = Date.now()) {
      const body = Buffer.from(content);
      const sha256 = createHash('sha256').update(body).digest('hex');
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: objectKey,
          Body: body,
          Metadata: { 'traindeck-sha256': sha256, 'traindeck-mtime-ms': String(mtimeMs) },
          ...key.params(),
        }),
      );
    },
    async keys() {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (out.Contents ?? [])
        .map((o) => o.Key!)
        .filter((k) => !k.endsWith('/.traindeck/key-fingerprint'))
        .sort();
    },
    async cleanup() {
      for (;;) {
        const out = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
        if (!out.Contents?.length) break;
        await client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: out.Contents.map((o) => ({ Key: o.Key! })) } }),
        );
      }
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      await rm(root, { recursive: true, force: true });
    },
  };
}
