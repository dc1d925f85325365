import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { CreateMultipartUploadCommand, GetObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';

import type { SyncEvent } from '../../shared/sync/events';
import type { ObjectStore } from '../aws/ports/object-store';
import { cleanOrphanUploads } from './orphan-uploads';
import { SYNC_DEFAULTS } from './sync-spec';
import { startFaultProxy } from './testing/fault-proxy';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';
import { openUploadJournal } from './upload-journal';

let fx: S3Fixture;
beforeEach(async () => {
  fx = await createS3Fixture('orphans');
});
afterEach(() => fx.cleanup());

const MiB = 1024 * 1024;
const spec = { concurrency: 1, multipartThreshold: 5 * MiB, partSize: 5 * MiB };

async function openUploads(): Promise<Array<{ key: string; uploadId: string }>> {
  const out = await fx.client.send(new ListMultipartUploadsCommand({ Bucket: fx.bucket }));
  return (out.Uploads ?? []).map((u) => ({ key: u.Key!, uploadId: u.UploadId! }));
}

async function objectBytes(key: string): Promise<Buffer> {
  const out = await fx.client.send(new GetObjectCommand({ Bucket: fx.bucket, Key: key, ...fx.key.params() }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** Counts the parts sent, and aborts `controller` once `abortAt` of them went up. */
function countingParts(abortAt?: { count: number; controller: AbortController }): {
  store: ObjectStore;
  sent: () => number;
} {
  let sent = 0;
  return {
    store: {
      ...fx.store,
      uploadPart: async (...args) => {
        const etag = await fx.store.uploadPart(...args);
        sent += 1;
        if (abortAt && sent === abortAt.count) abortAt.controller.abort();
        return etag;
      },
    },
    sent: () => sent,
  };
}

describe('unfinished multipart uploads', () => {
  it('an interrupted upload of an unchanged file resumes from the parts already in S3, and leaves no upload behind', async () => {
    const data = randomBytes(26 * MiB); // 6 parts
    await fx.writeLocal('checkpoints', 'big.ckpt', data);
    const controller = new AbortController();
    const first = await fx.sync('push', {
      spec,
      store: countingParts({ count: 3, controller }).store,
      signal: controller.signal,
    });
    expect(first.summary?.cancelled).toBe(true);
    const [kept] = await openUploads();
    expect(kept?.key).toBe('runs/test/checkpoints/big.ckpt');

    const counting = countingParts();
    const second = await fx.sync('push', { spec, store: counting.store });
    expect(second.summary).toMatchObject({ uploaded: 1, failures: [] });
    expect(counting.sent()).toBe(3); // 6 parts, 3 of them reused
    expect((await objectBytes('runs/test/checkpoints/big.ckpt')).equals(data)).toBe(true);
    expect(await openUploads()).toEqual([]);
  });

  it('an interrupted upload whose file then changed is aborted, never resumed with parts of the old version', async () => {
    await fx.writeLocal('checkpoints', 'big.ckpt', randomBytes(16 * MiB));
    const controller = new AbortController();
    await fx.sync('push', { spec, store: countingParts({ count: 2, controller }).store, signal: controller.signal });
    expect(await openUploads()).toHaveLength(1);
    const v2 = randomBytes(16 * MiB);
    await fx.writeLocal('checkpoints', 'big.ckpt', v2, Date.now() + 5_000);
    const counting = countingParts();
    const out = await fx.sync('push', { spec, store: counting.store });
    expect(out.summary).toMatchObject({ uploaded: 1, failures: [] });
    expect(counting.sent()).toBe(4);
    expect((await objectBytes('runs/test/checkpoints/big.ckpt')).equals(v2)).toBe(true);
    expect(await openUploads()).toEqual([]);
  });

  it("another machine's upload is left alone for a day, then aborted and reported", async () => {
    const created = await fx.client.send(
      new CreateMultipartUploadCommand({
        Bucket: fx.bucket,
        Key: 'runs/test/models/elsewhere.bin',
        ...fx.key.params(),
      }),
    );
    const journal = await openUploadJournal(fx.root);
    const plan = { direction: 'push' as const, bucket: fx.bucket, folders: [] };
    const events: SyncEvent[] = [];
    const onEvent = (e: SyncEvent) => events.push(e);
    await cleanOrphanUploads({ store: fx.store, prefix: 'runs/test', journal, plan, onEvent });
    expect(await openUploads()).toEqual([{ key: 'runs/test/models/elsewhere.bin', uploadId: created.UploadId }]);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'warning',
        message: expect.stringMatching(/^1 unfinished upload\(s\) .* left alone\.$/),
      }),
    ]);

    events.length = 0;
    await cleanOrphanUploads({
      store: fx.store,
      prefix: 'runs/test',
      journal,
      plan,
      onEvent,
      now: Date.now() + 25 * 3_600_000,
    });
    expect(await openUploads()).toEqual([]);
    expect(events).toEqual([
      {
        type: 'warning',
        message: `Aborted 1 unfinished upload(s) under s3://${fx.bucket}/runs/test/ that no sync would finish (their parts were billed): runs/test/models/elsewhere.bin (started 25 h ago and never finished).`,
      },
    ]);
  });
});

describe('kill -9 of the CLI in the middle of an upload', () => {
  const CLI = resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'traindeck.mjs');

  it('the rerun resumes (fewer bytes sent) and leaves no unfinished upload', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    const s3 = inject('s3');
    const part = SYNC_DEFAULTS.partSize;
    const data = randomBytes(10 * part); // 10 parts at the CLI's defaults
    await fx.writeLocal('checkpoints', 'big.ckpt', data);
    await writeFile(join(fx.root, 'key.bin'), fx.keyBytes);
    const config = join(fx.root, 'run.json');
    await writeFile(
      config,
      JSON.stringify({
        version: 1,
        aws: { region: s3.region },
        storage: { bucket: fx.bucket, prefix: 'runs/test', sseKeyFile: 'key.bin', localRoot: '.' },
      }),
    );
    // Counts the part bytes each process sends, through a proxy.
    let partBytes = 0;
    const proxy = await startFaultProxy(s3.endpoint, (req) => {
      if (req.method === 'PUT' && req.url?.includes('uploadId=')) {
        partBytes += Number(req.headers['content-length'] ?? 0);
      }
      return 'pass';
    });
    const cli = () =>
      spawn(process.execPath, [CLI, 'sync', 'push', '--config', config, '--json', '--concurrency', '1'], {
        env: {
          PATH: process.env.PATH,
          HOME: fx.root,
          AWS_ENDPOINT_URL_S3: proxy.endpoint,
          AWS_ACCESS_KEY_ID: s3.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
          AWS_REGION: s3.region,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    try {
      const first = cli();
      const exited = new Promise((done) => first.on('exit', done));
      // Kill it once two parts are in S3 and recorded as such (a part S3 holds but the journal
      // does not is sent again: it cannot be told from a part of another version).
      for (let i = 0; i < 600; i += 1) {
        const journal = await openUploadJournal(fx.root);
        if (Object.keys(journal.entries()[0]?.parts ?? {}).length >= 2) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      first.kill('SIGKILL');
      await exited;
      expect(await openUploads()).toHaveLength(1);
      const sentBefore = partBytes;
      partBytes = 0;

      const second = cli();
      let stderr = '';
      second.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise((done) => second.on('exit', done));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(partBytes).toBeLessThanOrEqual(data.length - 2 * part);
      expect(sentBefore + partBytes).toBeLessThan(data.length + 2 * part);
      expect(await openUploads()).toEqual([]);
      expect((await objectBytes('runs/test/checkpoints/big.ckpt')).equals(data)).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
