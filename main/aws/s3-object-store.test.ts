import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  CopyObjectCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';

import { rejection } from '../core/testing/rejection';
import { runSync } from '../sync/engine';
import { explainBucketError } from '../sync/explain';
import { SseKey } from '../sync/sse-key';
import { SYNC_DEFAULTS } from '../sync/sync-spec';
import { applyTieringLifecycle, tieringRuleId } from './s3-lifecycle';
import { createS3ObjectStore } from './s3-object-store';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const client = () => new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const key = new SseKey(randomBytes(32));
const s3Error = (name: string, status: number, headers: Record<string, string> = {}) =>
  Object.assign(
    new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name }),
    { $response: { headers, statusCode: status } },
  );

describe('S3 object store (call shapes and AWS-only answers)', () => {
  it('sends SSE-C, INTELLIGENT_TIERING, metadata and the key-fingerprint tag on every PUT', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"x"' });
    await createS3ObjectStore(client(), 'b', key).put({
      key: 'p/k',
      body: { buffer: Buffer.from('hi') },
      bodySha256: 'abc',
      metadata: { 'traindeck-sha256': 'abc' },
    });
    const input = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      Bucket: 'b',
      Key: 'p/k',
      StorageClass: 'INTELLIGENT_TIERING',
      Metadata: { 'traindeck-sha256': 'abc' },
      SSECustomerAlgorithm: 'AES256',
      Tagging: `traindeck-key=${encodeURIComponent(key.fingerprint)}`,
    });
    expect(input.SSECustomerKeyMD5).toMatch(/==$/);
  });

  it('writes metadata back with a same-key copy: SSE-C on source and destination, only the verified ETag, REPLACE, Intelligent-Tiering', async () => {
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"new"' } });
    const etag = await createS3ObjectStore(client(), 'b', key).copyWithMetadata!('p/a b/ü.csv', '"old"', {
      'traindeck-sha256': 'abc',
    });
    expect(etag).toBe('"new"');
    const input = s3.commandCalls(CopyObjectCommand)[0]!.args[0].input;
    const sse = key.params();
    expect(input).toEqual({
      Bucket: 'b',
      Key: 'p/a b/ü.csv',
      CopySource: 'b/p/a%20b/%C3%BC.csv',
      CopySourceIfMatch: '"old"',
      CopySourceSSECustomerAlgorithm: 'AES256',
      CopySourceSSECustomerKey: sse.SSECustomerKey,
      CopySourceSSECustomerKeyMD5: sse.SSECustomerKeyMD5,
      MetadataDirective: 'REPLACE',
      Metadata: { 'traindeck-sha256': 'abc', 'traindeck-key': key.fingerprint },
      StorageClass: 'INTELLIGENT_TIERING',
      TaggingDirective: 'REPLACE',
      Tagging: `traindeck-key=${encodeURIComponent(key.fingerprint)}`,
      ...sse,
    });
  });

  it('a 501 to the copy is "not-implemented" (never retried as transient), a 412 is "precondition"', async () => {
    const store = createS3ObjectStore(client(), 'b', key);
    s3.on(CopyObjectCommand).rejects(s3Error('NotImplemented', 501));
    expect(await rejection(store.copyWithMetadata!('k', '"e"', {}))).toMatchObject({ kind: 'not-implemented' });
    s3.on(CopyObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    expect(await rejection(store.copyWithMetadata!('k', '"e"', {}))).toMatchObject({ kind: 'precondition' });
  });

  it('HEAD of an object stored without SSE-C: AWS answers the keyed HEAD 400, the plain one 200: not encrypted, not a wrong key', async () => {
    s3.on(HeadObjectCommand).callsFake((input: { SSECustomerKey?: string }) => {
      if (input.SSECustomerKey) throw s3Error('BadRequest', 400);
      return { ContentLength: 3, ETag: '"p"', LastModified: new Date(0), Metadata: {} };
    });
    const head = await createS3ObjectStore(client(), 'b', key).head('plain.csv');
    expect(head).toMatchObject({ size: 3, etag: '"p"', encrypted: false });
    expect(s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.SSECustomerAlgorithm)).toEqual([
      'AES256',
      undefined,
    ]);
  });

  it('HEAD of an object written with another key stays a wrong key (the plain HEAD is refused too)', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('BadRequest', 400));
    expect(await rejection(createS3ObjectStore(client(), 'b', key).head('theirs.bin'))).toMatchObject({
      kind: 'wrong-key',
    });
  });

  it('reports a bucket in another region with the region to use', async () => {
    s3.on(HeadBucketCommand).rejects(s3Error('PermanentRedirect', 301, { 'x-amz-bucket-region': 'ap-south-1' }));
    const error = explainBucketError(
      await rejection(createS3ObjectStore(client(), 'b', key).checkBucket()),
      'b',
      'eu-west-1',
    );
    expect(error.message).toBe('Bucket b is in ap-south-1, not eu-west-1.');
    expect((error as { fix?: string }).fix).toBe('Set storage.region to "ap-south-1".');
  });

  it('reports no permission on the bucket with the permissions needed', async () => {
    s3.on(HeadBucketCommand).rejects(s3Error('Forbidden', 403));
    const error = explainBucketError(
      await rejection(createS3ObjectStore(client(), 'b', key).checkBucket()),
      'b',
      'eu-west-1',
    );
    expect(error.message).toMatch(/^Access denied to bucket b/);
    expect((error as { fix?: string }).fix).toMatch(/s3:ListBucket/);
  });

  it('asks whether SSE-C uploads are blocked only when told to (a pull does not)', async () => {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketVersioningCommand).resolves({});
    s3.on(GetBucketEncryptionCommand).resolves({});
    const store = createS3ObjectStore(client(), 'b', key);
    expect(await store.checkBucket(undefined, { sseCUploads: false })).toEqual({ versioning: 'never' });
    expect(s3.commandCalls(GetBucketEncryptionCommand)).toHaveLength(0);
    expect(await store.checkBucket()).toEqual({ versioning: 'never', sseCBlocked: false });
    expect(s3.commandCalls(GetBucketEncryptionCommand)).toHaveLength(1);
  });

  it('refuses to push to a bucket that blocks SSE-C, saying exactly how to allow it, before any upload', async () => {
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    s3.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
            BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
          },
        ],
      },
    });
    const events: unknown[] = [];
    const spec = {
      bucket: 'b',
      prefix: 'p',
      localRoot: mkdtempSync(join(tmpdir(), 'td-mock-')),
      folders: [{ name: 'models', local: 'models', remote: 'models', policy: 'local-wins' as const }],
      ...SYNC_DEFAULTS,
    };
    const error = await rejection(
      runSync('push', {
        spec,
        store: createS3ObjectStore(client(), 'b', key),
        region: 'eu-west-1',
        onEvent: (e) => events.push(e),
      }),
    );
    expect(error.message).toMatch(/Bucket b blocks SSE-C uploads \(BlockedEncryptionTypes includes SSE-C/);
    expect(error.fix).toContain('"BlockedEncryptionTypes":{"EncryptionType":["NONE"]}');
    expect(events).toEqual([
      expect.objectContaining({ type: 'warning', message: expect.stringContaining('versioning on') }),
    ]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('lifecycle rule', () => {
  it('adds the tiering rule for the prefix, keeps other rules, and replaces its own on re-apply', async () => {
    const other = { ID: 'user-rule', Status: 'Enabled' as const, Filter: { Prefix: 'tmp/' }, Expiration: { Days: 3 } };
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({
      Rules: [other, { ID: tieringRuleId('runs/a'), Status: 'Enabled', Filter: { Prefix: 'old' } }],
    });
    s3.on(PutBucketLifecycleConfigurationCommand).resolves({});
    expect(await applyTieringLifecycle(client(), 'b', 'runs/a')).toEqual({ ruleId: tieringRuleId('runs/a'), rules: 2 });
    const rules = s3.commandCalls(PutBucketLifecycleConfigurationCommand)[0]!.args[0].input.LifecycleConfiguration!
      .Rules!;
    expect(rules).toEqual([
      other,
      {
        ID: tieringRuleId('runs/a'),
        Status: 'Enabled',
        Filter: { Prefix: 'runs/a/' },
        Transitions: [{ Days: 0, StorageClass: 'INTELLIGENT_TIERING' }],
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
  });

  it('works on a bucket without any lifecycle configuration', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).rejects(s3Error('NoSuchLifecycleConfiguration', 404));
    s3.on(PutBucketLifecycleConfigurationCommand).resolves({});
    expect((await applyTieringLifecycle(client(), 'b', '')).rules).toBe(1);
  });
});
