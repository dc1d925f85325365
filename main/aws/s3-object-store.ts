import type { Readable } from 'node:stream';

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

import {
  type Body,
  type BucketFacts,
  type ListedObject,
  META_KEY_FINGERPRINT,
  type ObjectStore,
  type SseCustomerKey,
  TAG_KEY_FINGERPRINT,
} from './ports/object-store';
import { type S3Operation, toStoreError } from './s3-errors';
import { sendOptions } from './sdk/sdk-tags';

/** Every object is stored in the cheapest class that needs no decision: Intelligent-Tiering. */
const STORAGE_CLASS = 'INTELLIGENT_TIERING';

/**
 * The sync engine's ObjectStore on S3. SSE-C parameters go on every request that reads or
 * writes object data; every write carries INTELLIGENT_TIERING and the key-fingerprint tag.
 */
export function createS3ObjectStore(client: S3Client, bucket: string, key: SseCustomerKey): ObjectStore {
  const sse = () => key.params();
  const call = async <T>(operation: S3Operation, objectKey: string | undefined, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toStoreError(error, operation, objectKey);
    }
  };
  const body = (b: Body) =>
    'buffer' in b ? { Body: b.buffer, ContentLength: b.buffer.length } : { Body: b.stream(), ContentLength: b.length };
  const tagging = `${TAG_KEY_FINGERPRINT}=${encodeURIComponent(key.fingerprint)}`;

  return {
    bucket,
    keyFingerprint: key.fingerprint,
    async checkBucket(signal) {
      await call('bucket', undefined, () =>
        client.send(new HeadBucketCommand({ Bucket: bucket }), sendOptions(signal)),
      );
      const versioning = await call('bucket', undefined, () =>
        client.send(new GetBucketVersioningCommand({ Bucket: bucket }), sendOptions(signal)),
      );
      return { versioning: versioningState(versioning.Status), sseCBlocked: await sseCBlocked(client, bucket, signal) };
    },
    async list(prefix, signal) {
      return call('list', prefix, async () => {
        const objects: ListedObject[] = [];
        for await (const page of paginateListObjectsV2(
          { client, pageSize: 1000 },
          { Bucket: bucket, Prefix: prefix },
          sendOptions(signal),
        )) {
          for (const o of page.Contents ?? []) {
            // Folder markers ("dir/") are listed too: the engine's key↔path mapping decides (shared/sync/key-path).
            if (!o.Key) continue;
            objects.push({
              key: o.Key,
              size: o.Size ?? 0,
              etag: o.ETag ?? '',
              lastModifiedMs: o.LastModified?.getTime() ?? 0,
              ...(o.StorageClass ? { storageClass: o.StorageClass } : {}),
            });
          }
        }
        return objects;
      });
    },
    async head(objectKey, signal) {
      const send = (keyed: boolean) =>
        client.send(
          new HeadObjectCommand({ Bucket: bucket, Key: objectKey, ...(keyed ? sse() : {}) }),
          sendOptions(signal),
        );
      const head = await call('head', objectKey, () =>
        orStoredPlain(
          () => send(true),
          () => send(false),
        ),
      );
      return {
        size: head.ContentLength ?? 0,
        etag: head.ETag ?? '',
        lastModifiedMs: head.LastModified?.getTime() ?? 0,
        ...(head.StorageClass ? { storageClass: head.StorageClass } : {}),
        metadata: head.Metadata ?? {},
        // SSE-C was sent: an object stored with it answers with the algorithm, one stored without does not.
        encrypted: head.SSECustomerAlgorithm !== undefined,
      };
    },
    async tags(objectKey, signal) {
      const out = await call('tags', objectKey, () =>
        client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: objectKey }), sendOptions(signal)),
      );
      return Object.fromEntries((out.TagSet ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
    },
    async put(request, signal) {
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: request.key,
        ...body(request.body),
        Metadata: { ...request.metadata, [META_KEY_FINGERPRINT]: key.fingerprint },
        StorageClass: STORAGE_CLASS,
        Tagging: tagging,
        ...sse(),
      });
      const out = await call('put', request.key, () =>
        client.send(withPayloadHash(command, request.bodySha256), sendOptions(signal)),
      );
      return out.ETag ?? '';
    },
    async createMultipart(objectKey, metadata, signal) {
      const out = await call('put', objectKey, () =>
        client.send(
          new CreateMultipartUploadCommand({
            Bucket: bucket,
            Key: objectKey,
            Metadata: { ...metadata, [META_KEY_FINGERPRINT]: key.fingerprint },
            StorageClass: STORAGE_CLASS,
            Tagging: tagging,
            ...sse(),
          }),
          sendOptions(signal),
        ),
      );
      if (!out.UploadId) throw new Error(`S3 returned no upload id for ${objectKey}`);
      return out.UploadId;
    },
    async uploadPart(objectKey, uploadId, partNumber, partBody, bodySha256, signal) {
      const command = new UploadPartCommand({
        Bucket: bucket,
        Key: objectKey,
        UploadId: uploadId,
        PartNumber: partNumber,
        ...body(partBody),
        ...sse(),
      });
      const out = await call('put', objectKey, () =>
        client.send(withPayloadHash(command, bodySha256), sendOptions(signal)),
      );
      return out.ETag ?? '';
    },
    async completeMultipart(objectKey, uploadId, parts, signal) {
      await call('put', objectKey, () =>
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: objectKey,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
            ...sse(),
          }),
          sendOptions(signal),
        ),
      );
    },
    async abortMultipart(objectKey, uploadId) {
      await call('put', objectKey, () =>
        client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: objectKey, UploadId: uploadId })),
      );
    },
    async listMultipartUploads(prefix, signal) {
      return call('list', prefix, async () => {
        const uploads = [];
        let keyMarker: string | undefined;
        let uploadIdMarker: string | undefined;
        for (;;) {
          const page = await client.send(
            new ListMultipartUploadsCommand({
              Bucket: bucket,
              Prefix: prefix,
              ...(keyMarker ? { KeyMarker: keyMarker } : {}),
              ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
            }),
            sendOptions(signal),
          );
          for (const u of page.Uploads ?? []) {
            if (u.Key && u.UploadId) {
              uploads.push({ key: u.Key, uploadId: u.UploadId, initiatedMs: u.Initiated?.getTime() ?? 0 });
            }
          }
          if (!page.IsTruncated) return uploads;
          keyMarker = page.NextKeyMarker;
          uploadIdMarker = page.NextUploadIdMarker;
        }
      });
    },
    async listParts(objectKey, uploadId, signal) {
      return call('list', objectKey, async () => {
        const parts = [];
        let marker: string | undefined;
        for (;;) {
          const page = await client.send(
            new ListPartsCommand({
              Bucket: bucket,
              Key: objectKey,
              UploadId: uploadId,
              ...(marker ? { PartNumberMarker: marker } : {}),
              ...sse(),
            }),
            sendOptions(signal),
          );
          for (const p of page.Parts ?? []) {
            if (p.PartNumber) parts.push({ partNumber: p.PartNumber, etag: p.ETag ?? '', size: p.Size ?? 0 });
          }
          if (!page.IsTruncated) return parts;
          marker = page.NextPartNumberMarker;
        }
      });
    },
    async copyWithMetadata(objectKey, etag, metadata, signal) {
      const { SSECustomerAlgorithm, SSECustomerKey, SSECustomerKeyMD5 } = sse();
      const out = await call('copy', objectKey, () =>
        client.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: objectKey,
            CopySource: `${bucket}/${objectKey.split('/').map(encodeURIComponent).join('/')}`,
            // Only the object whose bytes were just verified: a changed one answers 412 and is left alone.
            CopySourceIfMatch: etag,
            CopySourceSSECustomerAlgorithm: SSECustomerAlgorithm,
            CopySourceSSECustomerKey: SSECustomerKey,
            CopySourceSSECustomerKeyMD5: SSECustomerKeyMD5,
            MetadataDirective: 'REPLACE',
            Metadata: { ...metadata, [META_KEY_FINGERPRINT]: key.fingerprint },
            StorageClass: STORAGE_CLASS,
            TaggingDirective: 'REPLACE',
            Tagging: tagging,
            ...sse(),
          }),
          sendOptions(signal),
        ),
      );
      return out.CopyObjectResult?.ETag ?? '';
    },
    async get(objectKey, range, signal) {
      const send = (keyed: boolean) =>
        client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: objectKey,
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
            ...(keyed ? sse() : {}),
          }),
          sendOptions(signal),
        );
      const out = await call('get', objectKey, () =>
        orStoredPlain(
          () => send(true),
          () => send(false),
        ),
      );
      const head = {
        size: out.ContentLength ?? 0,
        etag: out.ETag ?? '',
        lastModifiedMs: out.LastModified?.getTime() ?? 0,
        ...(out.StorageClass ? { storageClass: out.StorageClass } : {}),
        metadata: out.Metadata ?? {},
        encrypted: out.SSECustomerAlgorithm !== undefined,
      };
      return { body: out.Body as Readable, head };
    },
    async deleteMany(keys, signal) {
      if (keys.length === 0) return [];
      const out = await call('delete', undefined, () =>
        client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((k) => ({ Key: k })), Quiet: true } }),
          sendOptions(signal),
        ),
      );
      return (out.Errors ?? []).map((e) => ({ key: e.Key ?? '', message: `${e.Code ?? 'Error'}: ${e.Message ?? ''}` }));
    },
  };
}

/**
 * A read with the key, or, when S3 refuses the key because the object is stored without SSE-C,
 * the same read without it. AWS answers a keyed read of a plain object with 400 (InvalidRequest,
 * "The encryption parameters are not applicable to this object"; a HEAD carries no body, so a
 * bare 400), which on its own looks like a wrong key; Ceph RGW answers it with 200 and no
 * SSE-C algorithm. Only an answer without SSE-C counts: an object written with another key
 * refuses the plain read too, and then the keyed read's error stands (it is a wrong key).
 */
async function orStoredPlain<T extends { SSECustomerAlgorithm?: string | undefined }>(
  keyed: () => Promise<T>,
  plain: () => Promise<T>,
): Promise<T> {
  try {
    return await keyed();
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 400) throw error;
    let out: T | undefined;
    try {
      out = await plain();
    } catch {
      throw error; // refused without the key too: the keyed read's answer stands
    }
    if (out.SSECustomerAlgorithm === undefined) return out;
    throw error;
  }
}

/**
 * Signs the request with the body's SHA-256 we already computed: SigV4 then covers the
 * payload (S3 rejects a body that does not match, XAmzContentSHA256Mismatch), and the SDK
 * skips hashing buffers again or sending streams as UNSIGNED-PAYLOAD.
 */
function withPayloadHash<C extends { middlewareStack: { add: (...args: never[]) => unknown } }>(
  command: C,
  sha256Hex: string,
): C {
  (command.middlewareStack as unknown as { add: (m: unknown, o: unknown) => void }).add(
    (next: (args: { request: { headers: Record<string, string> } }) => unknown) =>
      (args: { request: { headers: Record<string, string> } }) => {
        args.request.headers['x-amz-content-sha256'] = sha256Hex;
        return next(args);
      },
    { step: 'build', name: 'traindeckPayloadHash' },
  );
  return command;
}

function versioningState(status: string | undefined): BucketFacts['versioning'] {
  if (status === 'Enabled') return 'enabled';
  if (status === 'Suspended') return 'suspended';
  return 'never';
}

/** True when the bucket's encryption configuration blocks SSE-C uploads (AWS default for new buckets since April 2026). */
async function sseCBlocked(client: S3Client, bucket: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const out = await client.send(new GetBucketEncryptionCommand({ Bucket: bucket }), sendOptions(signal));
    return (out.ServerSideEncryptionConfiguration?.Rules ?? []).some((rule) =>
      rule.BlockedEncryptionTypes?.EncryptionType?.includes('SSE-C'),
    );
  } catch (error) {
    // No configuration, or a server without the API (Ceph): nothing is blocked.
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || status === 501 || status === 400) return false;
    throw toStoreError(error, 'bucket');
  }
}
