import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createS3ObjectStore } from '../aws/s3-object-store';
import { SseKey } from './sse-key';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

let fx: S3Fixture;
const objectKey = 'runs/test/models/weights.bin';
const content = randomBytes(50_000);

beforeAll(async () => {
  fx = await createS3Fixture('sse-c');
  await fx.writeLocal('models', 'weights.bin', content);
  await fx.sync('push');
});
afterAll(() => fx.cleanup());

const status = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

describe('SSE-C with the customer key', () => {
  it('refuses to serve an object the engine wrote without the key', async () => {
    const error = await fx.client
      .send(new GetObjectCommand({ Bucket: fx.bucket, Key: objectKey }))
      .catch((e: unknown) => e);
    expect(status(error)).toBe(400);
  });

  it('refuses a wrong key', async () => {
    const wrong = new SseKey(randomBytes(32));
    const error = await fx.client
      .send(new GetObjectCommand({ Bucket: fx.bucket, Key: objectKey, ...wrong.params() }))
      .catch((e: unknown) => e);
    expect(status(error)).toBeGreaterThanOrEqual(400);
    expect(status(error)).toBeLessThan(500);
  });

  it('serves the exact bytes with the right key', async () => {
    const out = await fx.client.send(new GetObjectCommand({ Bucket: fx.bucket, Key: objectKey, ...fx.key.params() }));
    expect(Buffer.from(await out.Body!.transformToByteArray()).equals(content)).toBe(true);
    const head = await fx.client.send(new HeadObjectCommand({ Bucket: fx.bucket, Key: objectKey, ...fx.key.params() }));
    expect(head.SSECustomerAlgorithm).toBe('AES256');
  });

  it('a pull with another key is refused before anything is written, naming both key fingerprints', async () => {
    const otherKey = new SseKey(randomBytes(32));
    const error = await fx
      .sync('pull', {
        store: createS3ObjectStore(fx.client, fx.bucket, otherKey),
        spec: { localRoot: `${fx.root}-other` },
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `s3://${fx.bucket}/runs/test/ is written with the SSE-C key ${fx.key.fingerprint}, not with yours (${otherKey.fingerprint}); nothing was read or written.`,
    );
    expect(existsSync(`${fx.root}-other/models`)).toBe(false);
  });
});
