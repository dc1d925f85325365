import { randomBytes } from 'node:crypto';

import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';

import type { SyncEvent } from '../../shared/sync/events';
import type { ObjectStore } from '../aws/ports/object-store';
import { createS3ObjectStore } from '../aws/s3-object-store';
import { startFaultProxy } from './testing/fault-proxy';
import { type RelayProcess, startRelayProcess } from './testing/relay-process';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

let fx: S3Fixture;
let relay: RelayProcess | undefined;
beforeEach(async () => {
  fx = await createS3Fixture('outage');
});
afterEach(async () => {
  await relay?.close();
  relay = undefined;
  await fx.cleanup();
});

const MiB = 1024 * 1024;
const spec = { concurrency: 2, multipartThreshold: 8 * MiB, partSize: 8 * MiB };

async function objectBytes(key: string): Promise<Buffer> {
  const out = await fx.client.send(new GetObjectCommand({ Bucket: fx.bucket, Key: key, ...fx.key.params() }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** The store through the relay, running `outage` (not awaited) once the first part has gone up. */
function storeWithOutage(outage: () => Promise<void>): { store: ObjectStore; done: () => Promise<void> } {
  const store = createS3ObjectStore(fx.clientFor(relay!.endpoint), fx.bucket, fx.key);
  let running: Promise<void> | undefined;
  return {
    store: {
      ...store,
      uploadPart: async (...args) => {
        const etag = await store.uploadPart(...args);
        running ??= outage();
        return etag;
      },
    },
    done: () => running ?? Promise.resolve(),
  };
}

describe('a short outage of the gateway', () => {
  it('a gateway frozen (SIGSTOP) for 20 s in the middle of a large upload: the push completes', async () => {
    const data = randomBytes(40 * MiB);
    await fx.writeLocal('checkpoints', 'big.ckpt', data);
    relay = await startRelayProcess(inject('s3').endpoint);
    const { store, done } = storeWithOutage(async () => {
      relay!.stop();
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      relay!.resume();
    });
    const out = await fx.sync('push', { spec, store });
    await done();
    expect(out.summary).toMatchObject({ uploaded: 1, failures: [] });
    expect((await objectBytes('runs/test/checkpoints/big.ckpt')).equals(data)).toBe(true);
  });

  it('a gateway down (connections refused) for 15 s: retried with a retry event each time, then completed', async () => {
    const data = randomBytes(40 * MiB);
    await fx.writeLocal('checkpoints', 'big.ckpt', data);
    relay = await startRelayProcess(inject('s3').endpoint);
    const { store, done } = storeWithOutage(async () => {
      const restart = await relay!.kill();
      await new Promise((resolve) => setTimeout(resolve, 15_000));
      await restart();
    });
    const out = await fx.sync('push', { spec, store });
    await done();
    expect(out.summary).toMatchObject({ uploaded: 1, failures: [] });
    const retries = out.events.filter((e): e is Extract<SyncEvent, { type: 'retry' }> => e.type === 'retry');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]).toMatchObject({ key: 'runs/test/checkpoints/big.ckpt', attempt: 1 });
    expect(retries[0]!.message).toMatch(/^(the connection failed|no answer in time) \(\w+\); retrying in \d+\.\d s$/);
    expect((await objectBytes('runs/test/checkpoints/big.ckpt')).equals(data)).toBe(true);
  });

  it('503s for longer than the retry budget: the file fails with a sentence that says so, the rest goes up', async () => {
    await fx.writeLocal('models', 'fine.bin', randomBytes(1000));
    await fx.writeLocal('models', 'm.bin', randomBytes(1000));
    const proxy = await startFaultProxy(inject('s3').endpoint, (req) =>
      req.method === 'PUT' && req.url?.includes('m.bin') && !req.url.includes('fine')
        ? { status: 503, code: 'SlowDown' }
        : 'pass',
    );
    try {
      const store = createS3ObjectStore(fx.clientFor(proxy.endpoint), fx.bucket, fx.key);
      const out = await fx.sync('push', { store, retry: { budgetMs: 2_000 } });
      expect(out.summary?.uploaded).toBe(1);
      expect(out.summary?.failures.map((f) => f.message)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^S3 could not be reached for s3://${fx.bucket}/runs/test/models/m\\.bin: S3 is throttling requests \\(SlowDown, HTTP 503\\) and kept failing for 2 s \\(\\d+ attempts\\)\\.$`,
          ),
        ),
      ]);
      const retries = out.events.filter((e) => e.type === 'retry');
      expect(retries.length).toBeGreaterThanOrEqual(2);
      expect(retries.every((e) => e.type === 'retry' && e.key === 'runs/test/models/m.bin')).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
