import { randomBytes } from 'node:crypto';

import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createS3ObjectStore } from '../aws/s3-object-store';
import { checkKeyIdentity, keyMarkerKey } from './key-identity';
import { SseKey } from './sse-key';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

let fx: S3Fixture;
beforeEach(async () => {
  fx = await createS3Fixture('key-identity');
});
afterEach(() => fx.cleanup());

/** Every object's key and ETag: what "nothing was written" compares. */
async function snapshot(): Promise<Array<[string, string]>> {
  const out = await fx.client.send(new ListObjectsV2Command({ Bucket: fx.bucket }));
  return (out.Contents ?? []).map((o) => [o.Key!, o.ETag!] as [string, string]).sort();
}

const otherStore = (key = new SseKey(randomBytes(32))) => ({
  key,
  store: createS3ObjectStore(fx.client, fx.bucket, key),
});

describe('one SSE-C key per prefix', () => {
  it('the first push writes the marker with its key: a HEAD with the key reads it, without fails', async () => {
    await fx.writeLocal('models', 'm.bin', 'model');
    await fx.sync('push');
    const marker = keyMarkerKey('runs/test');
    expect(marker).toBe('runs/test/.traindeck/key-fingerprint');
    await fx.client.send(new HeadObjectCommand({ Bucket: fx.bucket, Key: marker, ...fx.key.params() }));
    await expect(fx.client.send(new HeadObjectCommand({ Bucket: fx.bucket, Key: marker }))).rejects.toThrow();
    expect(await checkKeyIdentity(fx.store, 'runs/test')).toBe('marked');
    // Every object records the key's fingerprint in its metadata too.
    const head = await fx.store.head('runs/test/models/m.bin');
    expect(head.metadata['traindeck-key']).toBe(fx.key.fingerprint);
  });

  it('a push with another key writes nothing (bytes and ETags unchanged) and names both fingerprints', async () => {
    await fx.writeLocal('models', 'm.bin', 'model v1');
    await fx.writeLocal('logs', 'train.log', 'line 1\n');
    await fx.sync('push');
    const before = await snapshot();
    await fx.writeLocal('logs', 'train.log', 'line 1\nline 2 by another run\n', Date.now() + 10_000);
    await fx.writeLocal('models', 'new.bin', 'brand new');

    const { key: wrong, store } = otherStore();
    const error = (await fx.sync('push', { store }).catch((e: unknown) => e)) as Error & { fix?: string };
    expect(error.message).toBe(
      `s3://${fx.bucket}/runs/test/ is written with the SSE-C key ${fx.key.fingerprint}, not with yours (${wrong.fingerprint}); nothing was read or written.`,
    );
    expect(error.fix).toContain(`whose fingerprint is ${fx.key.fingerprint}`);
    expect(await snapshot()).toEqual(before);
  });

  it('a prefix written before markers existed: another key is refused, its own key adds the marker', async () => {
    const { key: first, store: firstStore } = otherStore();
    // Written the way old versions did: tagged with the key, no marker.
    await fx.client.send(
      new PutObjectCommand({
        Bucket: fx.bucket,
        Key: 'runs/test/logs/old.log',
        Body: 'old',
        Tagging: `traindeck-key=${encodeURIComponent(first.fingerprint)}`,
        ...first.params(),
      }),
    );
    await fx.writeLocal('logs', 'mine.log', 'mine');
    const before = await snapshot();
    await expect(fx.sync('push')).rejects.toThrow(
      `is written with the SSE-C key ${first.fingerprint}, not with yours (${fx.key.fingerprint})`,
    );
    expect(await snapshot()).toEqual(before);

    expect(await checkKeyIdentity(firstStore, 'runs/test')).toBe('unmarked');
    await fx.sync('push', { store: firstStore });
    expect(await checkKeyIdentity(firstStore, 'runs/test')).toBe('marked');
  });

  it('objects of another key without tags (another tool): "written with another key"', async () => {
    const { key: first } = otherStore();
    await fx.client.send(
      new PutObjectCommand({ Bucket: fx.bucket, Key: 'runs/test/models/x.bin', Body: 'x', ...first.params() }),
    );
    await expect(checkKeyIdentity(fx.store, 'runs/test')).rejects.toThrow(
      `is written with another SSE-C key, not with yours (${fx.key.fingerprint}); nothing was read or written.`,
    );
  });
});
