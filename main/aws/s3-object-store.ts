import type { IncomingHttpHeaders } from 'node:http';
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
  type MultipartUploadInfo,
  type ObjectHead,
  type ObjectStore,
  type RangeAnswer,
  type SseCustomerKey,
  TAG_KEY_FINGERPRINT,
  type WholeObject,
} from './ports/object-store';
import { parseUploadsPage, parseVersioning, type UploadsPage } from './s3-bucket-answers';
import { blocksSseC } from './s3-bucket-encryption';
import { checkRangeAnswer } from './s3-content-range';
import { type S3Operation, toStoreError } from './s3-errors';
import { lastModifiedMs } from './s3-last-modified';
import {
  answerError,
  answerText,
  EMPTY_SHA256,
  ERROR_BODY_MAX,
  type LeanAnswer,
  leanS3For,
  wholeAnswerError,
} from './s3-lean-requests';
import { parseListPage } from './s3-list-page';
import { sendOptions } from './sdk/sdk-tags';

/** Every object is stored in the cheapest class that needs no decision: Intelligent-Tiering. */
const STORAGE_CLASS = 'INTELLIGENT_TIERING';

/** PUTs of buffers up to this size take the lean path (the engine reads files up to 1 MiB into memory). */
const LEAN_PUT_MAX = 1024 * 1024;

/** Options of {@link createS3ObjectStore}. */
export interface S3ObjectStoreOptions {
  /**
   * Small-object PUTs (buffers), whole-object GETs, HEADs and listings go over a lean signed request path
   * (`s3-lean-requests.ts`) instead of the SDK's middleware stack: same pool, idle limit, abort,
   * SSE-C headers, signed payload hash and error classification; one attempt per call, like the
   * engine's clients (its own retries re-send). Ranged GETs, multipart and everything else stay on
   * the SDK. On by default; always off for clients not made by `createS3Client` (a test's mocked
   * client), and `false` keeps every request on the SDK.
   */
  leanSmallRequests?: boolean;
  /** Objects per listing page (S3's most, 1,000, unless a test wants several pages of a few objects). */
  listPageSize?: number;
}

/**
 * The sync engine's ObjectStore on S3. SSE-C parameters go on every request that reads or
 * writes object data; every write carries INTELLIGENT_TIERING and the key-fingerprint tag.
 */
export function createS3ObjectStore(
  client: S3Client,
  bucket: string,
  key: SseCustomerKey,
  options: S3ObjectStoreOptions = {},
): ObjectStore {
  const lean = options.leanSmallRequests === false ? undefined : leanS3For(client, bucket);
  const listPageSize = options.listPageSize ?? 1000;
  const sse = () => key.params();
  const sseHeaders = (): Record<string, string> => {
    const { SSECustomerAlgorithm, SSECustomerKey, SSECustomerKeyMD5 } = sse();
    return {
      'x-amz-server-side-encryption-customer-algorithm': SSECustomerAlgorithm,
      'x-amz-server-side-encryption-customer-key': SSECustomerKey,
      'x-amz-server-side-encryption-customer-key-md5': SSECustomerKeyMD5,
    };
  };
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

  /**
   * A whole-object GET or a HEAD on the lean path, with the SDK path's keyed-then-plain rule
   * (orStoredPlain): a keyed read refused with 400 is made again without the key, and only an
   * answer without SSE-C counts. Undefined when the lean path cannot send it (the SDK goes).
   */
  const leanRead = async (method: 'GET' | 'HEAD', objectKey: string, signal?: AbortSignal) => {
    const send = (keyed: boolean) =>
      lean!.send({ method, key: objectKey, headers: keyed ? sseHeaders() : {}, payloadSha256: EMPTY_SHA256 }, signal);
    const keyed = await send(true);
    if (!keyed) return undefined;
    let answer = keyed;
    if (keyed.status !== 200) {
      const refused = await answerError(keyed);
      if (keyed.status !== 400) throw refused;
      const plain = await send(false).catch(() => undefined);
      if (plain?.status !== 200 || storedWithSseC(plain.headers)) {
        plain?.body.destroy();
        throw refused; // refused without the key too, or stored with SSE-C after all: a wrong key
      }
      answer = plain;
    }
    const body = answer.body as Readable;
    return { body, head: unlessRead(body, () => headOf(answer.headers, objectKey)) };
  };

  /**
   * {@link ObjectStore.getWhole} on the lean HTTP/1.1 client, with the keyed-then-plain rule of
   * {@link leanRead}. The body is read only when it is `size` bytes (an error's within ERROR_BODY_MAX).
   */
  const leanWhole = async (objectKey: string, size: number, signal?: AbortSignal): Promise<WholeObject | undefined> => {
    const rules = { bodyLimit: (status: number) => (status === 200 ? size : ERROR_BODY_MAX) };
    const send = (keyed: boolean) =>
      lean!.sendWhole(
        { method: 'GET', key: objectKey, headers: keyed ? sseHeaders() : {}, payloadSha256: EMPTY_SHA256 },
        rules,
        signal,
      );
    let answer = await send(true);
    if (!answer) return undefined;
    if (answer.status !== 200) {
      const refused = wholeAnswerError(answer);
      if (answer.status !== 400) throw refused;
      const plain = await send(false).catch(() => undefined);
      if (plain?.status !== 200 || storedWithSseC(plain.headers)) throw refused;
      answer = plain;
    }
    const head = headOf(answer.headers, objectKey);
    // Announced by chunks or the connection's end, not a Content-Length: the size is what came.
    if (answer.headers['content-length'] === undefined && answer.body) head.size = answer.body.length;
    return { head, bytes: answer.body?.length === size ? answer.body : undefined };
  };

  /**
   * {@link ObjectStore.getRange} on the lean client whose reads land in the caller's memory, with the
   * keyed-then-plain rule of {@link leanRead}; the answer checked as `get` checks a ranged one before
   * it is returned (its body is dropped unread when the check fails).
   */
  const leanRange = async (
    objectKey: string,
    range: { start: number; end: number },
    signal?: AbortSignal,
  ): Promise<RangeAnswer | undefined> => {
    const rules = { direct: (status: number) => status === 200 || status === 206, bodyLimit: () => ERROR_BODY_MAX };
    const send = (keyed: boolean) =>
      lean!.sendDirect(
        {
          method: 'GET',
          key: objectKey,
          headers: { range: `bytes=${range.start}-${range.end}`, ...(keyed ? sseHeaders() : {}) },
          payloadSha256: EMPTY_SHA256,
        },
        rules,
        signal,
      );
    let answer = await send(true);
    if (!answer) return undefined;
    if (!answer.pending) {
      const refused = wholeAnswerError({ ...answer, body: answer.body });
      if (answer.status !== 400) throw refused;
      const plain = await send(false).catch(() => undefined);
      if (!plain?.pending || storedWithSseC(plain.headers)) {
        plain?.pending?.discard();
        throw refused; // refused without the key too, or stored with SSE-C after all: a wrong key
      }
      answer = plain;
    }
    const { headers, pending } = answer as Required<Pick<typeof answer, 'pending'>> & typeof answer;
    const head = unlessRead({ destroy: () => pending.discard() }, () => {
      checkRangeAnswer(objectKey, range, headers['content-range'], pending.length);
      return headOf(headers, objectKey);
    });
    return { head, readInto: (sink) => pending.readInto(sink), discard: () => pending.discard() };
  };

  /**
   * Every object under `prefix` over the lean path (ListObjectsV2 pages, parsed by `parseListPage`,
   * not the SDK's XML parser); undefined when the lean path cannot send it (the SDK goes).
   */
  const leanList = async (prefix: string, signal?: AbortSignal): Promise<ListedObject[] | undefined> => {
    const objects: ListedObject[] = [];
    let token: string | undefined;
    do {
      const query = { 'list-type': '2', 'max-keys': String(listPageSize), prefix };
      const answer = await lean!.send(
        {
          method: 'GET',
          key: '',
          query: token === undefined ? query : { ...query, 'continuation-token': token },
          headers: {},
          payloadSha256: EMPTY_SHA256,
        },
        signal,
      );
      if (!answer) return undefined;
      if (answer.status !== 200) throw await answerError(answer);
      const page = parseListPage(await answerText(answer));
      for (const object of page.objects) objects.push(object);
      token = nextToken(page.next, token);
    } while (token !== undefined);
    return objects;
  };

  /**
   * HeadBucket then GetBucketVersioning over the lean path (a pull then sends no request through the
   * SDK); undefined when the lean path cannot send them (the SDK goes).
   */
  const leanVersioning = async (signal?: AbortSignal): Promise<BucketFacts['versioning'] | undefined> => {
    const bucketRequest = (query: Record<string, string>, method: 'GET' | 'HEAD') =>
      lean!.send({ method, key: '', query, headers: {}, payloadSha256: EMPTY_SHA256 }, signal);
    const exists = await bucketRequest({}, 'HEAD');
    if (!exists) return undefined;
    if (exists.status !== 200) throw await answerError(exists);
    exists.body.resume(); // a HEAD's answer has no body: this returns the socket to the pool
    const versioning = await bucketRequest({ versioning: '' }, 'GET');
    if (!versioning) return undefined;
    if (versioning.status !== 200) throw await answerError(versioning);
    return parseVersioning(await answerText(versioning));
  };

  /** Unfinished uploads under `prefix` over the lean path; undefined when it cannot send them (the SDK goes). */
  const leanUploads = async (prefix: string, signal?: AbortSignal): Promise<MultipartUploadInfo[] | undefined> => {
    const uploads: MultipartUploadInfo[] = [];
    let next: UploadsPage['next'];
    do {
      const markers = next ? { 'key-marker': next.keyMarker, 'upload-id-marker': next.uploadIdMarker } : {};
      const answer = await lean!.send(
        {
          method: 'GET',
          key: '',
          query: { uploads: '', prefix, ...markers },
          headers: {},
          payloadSha256: EMPTY_SHA256,
        },
        signal,
      );
      if (!answer) return undefined;
      if (answer.status !== 200) throw await answerError(answer);
      const page = parseUploadsPage(await answerText(answer));
      uploads.push(...page.uploads);
      if (
        page.next &&
        next &&
        page.next.keyMarker === next.keyMarker &&
        page.next.uploadIdMarker === next.uploadIdMarker
      ) {
        throw new Error(SAME_MARKERS);
      }
      next = page.next;
    } while (next);
    return uploads;
  };

  /** {@link sseCBlocked} over the lean path; undefined when the lean path cannot send it (the SDK goes). */
  const leanSseCBlocked = async (signal?: AbortSignal): Promise<boolean | undefined> => {
    const answer = await call('bucket', undefined, () =>
      lean!.send(
        { method: 'GET', key: '', query: { encryption: '' }, headers: {}, payloadSha256: EMPTY_SHA256 },
        signal,
      ),
    );
    if (!answer) return undefined;
    if (answer.status === 200) return blocksSseC(await call('bucket', undefined, () => answerText(answer)));
    const error = await answerError(answer);
    // No configuration, or a server without the API: nothing is blocked.
    if (NOTHING_BLOCKED.has(answer.status)) return false;
    throw toStoreError(error, 'bucket');
  };

  return {
    bucket,
    keyFingerprint: key.fingerprint,
    async checkBucket(signal, check = {}) {
      const leanState = lean ? await call('bucket', undefined, () => leanVersioning(signal)) : undefined;
      if (leanState !== undefined) {
        if (check.sseCUploads === false) return { versioning: leanState };
        const blocked = (await leanSseCBlocked(signal)) ?? (await sseCBlocked(client, bucket, signal));
        return { versioning: leanState, sseCBlocked: blocked };
      }
      await call('bucket', undefined, () =>
        client.send(new HeadBucketCommand({ Bucket: bucket }), sendOptions(signal)),
      );
      const versioning = await call('bucket', undefined, () =>
        client.send(new GetBucketVersioningCommand({ Bucket: bucket }), sendOptions(signal)),
      );
      const state = versioningState(versioning.Status);
      if (check.sseCUploads === false) return { versioning: state };
      const blocked = (lean ? await leanSseCBlocked(signal) : undefined) ?? (await sseCBlocked(client, bucket, signal));
      return { versioning: state, sseCBlocked: blocked };
    },
    async list(prefix, signal) {
      return call('list', prefix, async () => {
        const listed = lean ? await leanList(prefix, signal) : undefined;
        if (listed) return listed;
        const objects: ListedObject[] = [];
        let token: string | undefined;
        for await (const page of paginateListObjectsV2(
          { client, pageSize: listPageSize },
          { Bucket: bucket, Prefix: prefix },
          sendOptions(signal),
        )) {
          // The SDK's paginator ends quietly at a truncated page without a token, and loops on a repeated one.
          if (page.IsTruncated) token = nextToken(page.NextContinuationToken, token);
          if (page.IsTruncated && !token) {
            throw new Error('S3 said the listing goes on but gave no token for the next page');
          }
          for (const o of page.Contents ?? []) {
            // Folder markers ("dir/") are listed too: the engine's key↔path mapping decides (shared/sync/key-path).
            if (!o.Key) continue;
            objects.push({
              key: o.Key,
              size: o.Size ?? 0,
              etag: o.ETag ?? '',
              lastModifiedMs: lastModifiedMs(o.LastModified, o.Key),
              ...(o.StorageClass ? { storageClass: o.StorageClass } : {}),
            });
          }
        }
        return objects;
      });
    },
    async head(objectKey, signal) {
      if (lean) {
        const got = await call('head', objectKey, () => leanRead('HEAD', objectKey, signal));
        if (got) {
          got.body.resume(); // a HEAD's answer has no body: this returns the socket to the pool
          return got.head;
        }
      }
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
        lastModifiedMs: lastModifiedMs(head.LastModified, objectKey),
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
      if (lean && 'buffer' in request.body && request.body.buffer.length <= LEAN_PUT_MAX) {
        const bytes = request.body.buffer;
        const metadata = { ...request.metadata, [META_KEY_FINGERPRINT]: key.fingerprint };
        const headers: Record<string, string> = {
          'x-amz-storage-class': STORAGE_CLASS,
          'x-amz-tagging': tagging,
          ...sseHeaders(),
        };
        for (const [name, value] of Object.entries(metadata)) headers[`x-amz-meta-${name.toLowerCase()}`] = value;
        const etag = await call('put', request.key, async () => {
          const answer = await lean.send(
            { method: 'PUT', key: request.key, headers, body: bytes, payloadSha256: request.bodySha256 },
            signal,
          );
          if (!answer) return undefined;
          if (answer.status !== 200) throw await answerError(answer);
          answer.body.resume();
          return headerOf(answer, 'etag') ?? '';
        });
        if (etag !== undefined) return etag;
      }
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
        const listed = lean ? await leanUploads(prefix, signal) : undefined;
        if (listed) return listed;
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
          if (page.NextKeyMarker === keyMarker && page.NextUploadIdMarker === uploadIdMarker) {
            throw new Error(SAME_MARKERS);
          }
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
    async getWhole(objectKey, size, signal) {
      return lean ? call('get', objectKey, () => leanWhole(objectKey, size, signal)) : undefined;
    },
    async getRange(objectKey, range, signal) {
      return lean ? call('get', objectKey, () => leanRange(objectKey, range, signal)) : undefined;
    },
    async get(objectKey, range, signal) {
      if (lean && !range) {
        const got = await call('get', objectKey, () => leanRead('GET', objectKey, signal));
        if (got) return got;
      }
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
      const body = out.Body as Readable;
      if (range) unlessRead(body, () => checkRangeAnswer(objectKey, range, out.ContentRange, out.ContentLength));
      const head = {
        size: out.ContentLength ?? 0,
        etag: out.ETag ?? '',
        lastModifiedMs: unlessRead(body, () => lastModifiedMs(out.LastModified, objectKey)),
        ...(out.StorageClass ? { storageClass: out.StorageClass } : {}),
        metadata: out.Metadata ?? {},
        encrypted: out.SSECustomerAlgorithm !== undefined,
      };
      return { body, head };
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

const SAME_MARKERS =
  'S3 answered the next page of a listing of unfinished uploads with the same markers again, so the listing would never end: check that the S3 endpoint is S3 or an S3-compatible server, and that no proxy caches its answers';

/**
 * A listing's next continuation token, refused when it is the one just followed: a server that
 * answers every page with the same token would otherwise be listed for ever.
 */
function nextToken(next: string | undefined, followed: string | undefined): string | undefined {
  if (next !== undefined && next === followed) {
    throw new Error(
      'S3 answered the next page of a listing with the same continuation token again, so the listing would never end: check that the S3 endpoint is S3 or an S3-compatible server, and that no proxy caches its answers',
    );
  }
  return next;
}

function headerOf(answer: LeanAnswer, name: string): string | undefined {
  return headerIn(answer.headers, name);
}

function headerIn(headers: IncomingHttpHeaders | Record<string, string>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** SSE-C was sent: an object stored with it answers with the algorithm, one stored without does not. */
function storedWithSseC(headers: IncomingHttpHeaders | Record<string, string>): boolean {
  return headerIn(headers, 'x-amz-server-side-encryption-customer-algorithm') !== undefined;
}

/** An object's head from a GET's or HEAD's answer headers. */
function headOf(headers: IncomingHttpHeaders | Record<string, string>, objectKey: string): ObjectHead {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice(11)] = value;
  }
  const storageClass = headerIn(headers, 'x-amz-storage-class');
  return {
    size: Number(headerIn(headers, 'content-length') ?? 0),
    etag: headerIn(headers, 'etag') ?? '',
    lastModifiedMs: lastModifiedMs(headerIn(headers, 'last-modified'), objectKey),
    ...(storageClass ? { storageClass } : {}),
    metadata,
    encrypted: storedWithSseC(headers),
  };
}

/** `check()`, or, when it throws (an answer refused by its head), `body` destroyed unread: its socket goes. */
function unlessRead<T>(body: { destroy(): unknown } | undefined, check: () => T): T {
  try {
    return check();
  } catch (error) {
    body?.destroy();
    throw error;
  }
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
/** GetBucketEncryption's answers that mean no configuration (404) or no such API on this server (Ceph). */
const NOTHING_BLOCKED = new Set([404, 501, 400]);

async function sseCBlocked(client: S3Client, bucket: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const out = await client.send(new GetBucketEncryptionCommand({ Bucket: bucket }), sendOptions(signal));
    return (out.ServerSideEncryptionConfiguration?.Rules ?? []).some((rule) =>
      rule.BlockedEncryptionTypes?.EncryptionType?.includes('SSE-C'),
    );
  } catch (error) {
    // No configuration, or a server without the API (Ceph): nothing is blocked.
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== undefined && NOTHING_BLOCKED.has(status)) return false;
    throw toStoreError(error, 'bucket');
  }
}
