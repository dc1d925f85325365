import type { Readable } from 'node:stream';

/**
 * The SSE-C key as a store uses it (main/sync/sse-key.ts's `SseKey`): its fingerprint for tags and
 * metadata, and the three request parameters. The key bytes stay inside `params()`.
 */
export interface SseCustomerKey {
  readonly fingerprint: string;
  params(): { SSECustomerAlgorithm: 'AES256'; SSECustomerKey: string; SSECustomerKeyMD5: string };
}

/** An object as listed (no metadata: that needs a HEAD, which under SSE-C needs the key). */
export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModifiedMs: number;
  storageClass?: string;
}

/** What HEAD tells about an object the engine wrote. */
export interface ObjectHead {
  size: number;
  etag: string;
  lastModifiedMs: number;
  storageClass?: string;
  metadata: Record<string, string>;
  /**
   * Whether S3 says the object is stored with SSE-C (it answered the key's algorithm). False for
   * an object stored without it (written by another tool); undefined when the store cannot tell.
   */
  encrypted?: boolean;
}

/** Metadata the engine records on every object (S3 user metadata, lowercase keys). */
export const META_SHA256 = 'traindeck-sha256';
export const META_MTIME = 'traindeck-mtime-ms';
/** Object tag naming the SSE-C key's fingerprint; tags are readable without the key. */
export const TAG_KEY_FINGERPRINT = 'traindeck-key';
/** The same fingerprint as metadata on every object (the adapter adds it to every write). */
export const META_KEY_FINGERPRINT = 'traindeck-key';

/** A small object read whole ({@link ObjectStore.getWhole}). */
export interface WholeObject {
  head: ObjectHead;
  /** Undefined when the answer's size was not the one asked for (its body was not read). */
  bytes: Buffer | undefined;
}

/**
 * Memory a ranged answer's body is read into, piece by piece, in order ({@link RangeAnswer.readInto}).
 * Either call may return a promise: the store then reads nothing more (TCP back-pressure) until it
 * settles, and a rejection ends the read with that error. The store writes into a room only before
 * the `filled` call that tells of it: once told (or once the read has ended), the memory is the sink's.
 */
export interface BodySink {
  /** Where the body's next bytes go: at most its length of them are read into it. */
  room(): Buffer | Promise<Buffer>;
  /** The first `bytes` of the last room now hold the body's next bytes (the room is used up). */
  filled(bytes: number): void | Promise<void>;
}

/** A ranged GET's answer whose head has arrived and was checked, its body not read yet ({@link ObjectStore.getRange}). */
export interface RangeAnswer {
  /** The head; `size` is the range's length. */
  head: ObjectHead;
  /**
   * Reads the range's bytes into `sink`, all of them in order, never a byte more. Rejects with a
   * network error (a `code` the engine retries) when the connection breaks or falls silent, and with
   * the sink's own error when a sink call throws or rejects; never while a sink call is pending.
   */
  readInto(sink: BodySink): Promise<void>;
  /** Drops the body unread (its connection closes). */
  discard(): void;
}

/** A body for a PUT or a part: bytes in memory, or a stream factory (called again on retry). */
export type Body = { buffer: Buffer } | { stream: () => Readable; length: number };

/** What the store needs to write an object. */
export interface PutRequest {
  key: string;
  body: Body;
  /**
   * Hex SHA-256 of the body. Sent as the signed payload hash (x-amz-content-sha256), so S3
   * itself rejects a body that differs from what was hashed, and the SDK need not hash again.
   */
  bodySha256: string;
  metadata: Record<string, string>;
}

/** Why a store call failed, in the engine's terms (the adapter maps S3's codes to these). */
export type StoreErrorKind =
  | 'not-found'
  | 'no-bucket'
  | 'access-denied'
  | 'wrong-region'
  | 'wrong-key'
  | 'key-required'
  | 'sse-c-blocked'
  | 'bad-digest'
  | 'changed-while-uploading'
  | 'precondition'
  | 'not-implemented'
  | 'transient'
  | 'other';

/** What is known of a failed store call, for its message. */
export interface StoreErrorDetails {
  status?: number;
  code?: string;
  region?: string;
  key?: string;
  /** The answer was not S3's XML (an HTML page from a proxy or captive portal). */
  notS3?: boolean;
  /** The endpoint's TLS certificate was refused (unknown issuer, expired, another host name): no answer at all. */
  certificate?: boolean;
  /** The endpoint will not speak HTTP/1.1 (ALPN refused, HTTP/2 only): no answer at all, never retried. */
  protocol?: boolean;
  /** Set when retries ran out: how many attempts, over how long. */
  attempts?: number;
  retriedMs?: number;
}

/** A failed store call. `transient` ones are worth retrying. */
export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    readonly details: StoreErrorDetails = {},
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** An unfinished multipart upload as S3 lists it. */
export interface MultipartUploadInfo {
  key: string;
  uploadId: string;
  initiatedMs: number;
}

/** A part already held by an unfinished multipart upload. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
  size: number;
}

/** Bucket-level facts checked before any transfer. */
export interface BucketFacts {
  versioning: 'enabled' | 'suspended' | 'never';
  /** Whether the bucket refuses SSE-C uploads; undefined when not asked ({@link BucketCheck}). */
  sseCBlocked?: boolean;
}

/** What {@link ObjectStore.checkBucket} asks besides the bucket itself and its versioning. */
export interface BucketCheck {
  /**
   * Whether the bucket blocks SSE-C uploads (true when omitted). Only a push uploads, so a pull does
   * not ask: on Ceph RGW the question (GetBucketEncryption) is answered with a listing of the
   * bucket's first 1,000 objects, a round trip and ~0.3 MB of TLS before the first download.
   */
  sseCUploads?: boolean;
}

/**
 * The narrow port of the sync engine onto S3: only the calls it makes, with SSE-C applied
 * by the adapter on every request that needs it (the engine never handles key headers).
 */
export interface ObjectStore {
  readonly bucket: string;
  /** Fingerprint of the SSE-C key this store reads and writes with (safe to show). */
  readonly keyFingerprint: string;
  /** Fails with `no-bucket`, `wrong-region` or `access-denied` when the bucket cannot be used. */
  checkBucket(signal?: AbortSignal, check?: BucketCheck): Promise<BucketFacts>;
  /** Every object under `prefix`, all pages. */
  list(prefix: string, signal?: AbortSignal): Promise<ListedObject[]>;
  head(key: string, signal?: AbortSignal): Promise<ObjectHead>;
  /** The object's tags (no SSE-C key needed). */
  tags(key: string, signal?: AbortSignal): Promise<Record<string, string>>;
  /** Writes an object; returns its ETag as listings will show it. */
  put(request: PutRequest, signal?: AbortSignal): Promise<string>;
  createMultipart(key: string, metadata: Record<string, string>, signal?: AbortSignal): Promise<string>;
  /** Uploads one part; `bodySha256` is the part's hex SHA-256 (checked by S3 as for put). */
  uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Body,
    bodySha256: string,
    signal?: AbortSignal,
  ): Promise<string>;
  completeMultipart(
    key: string,
    uploadId: string,
    parts: Array<{ partNumber: number; etag: string }>,
    signal?: AbortSignal,
  ): Promise<void>;
  abortMultipart(key: string, uploadId: string): Promise<void>;
  /** Unfinished multipart uploads under `prefix`, all pages (absent on stores without multipart). */
  listMultipartUploads?(prefix: string, signal?: AbortSignal): Promise<MultipartUploadInfo[]>;
  /** The parts an unfinished upload holds (absent on stores without multipart). */
  listParts?(key: string, uploadId: string, signal?: AbortSignal): Promise<UploadedPart[]>;
  /**
   * Replaces an object's metadata without moving its bytes: a server-side copy onto itself
   * (same key, SSE-C on source and destination, metadata replaced, Intelligent-Tiering kept),
   * only while the object still has `etag` (a changed object is left alone: `precondition`
   * StoreError). Returns the new ETag. A server without same-key SSE-C copies answers
   * `not-implemented` (Ceph RGW 16: 501). Absent on stores that cannot copy.
   */
  copyWithMetadata?(key: string, etag: string, metadata: Record<string, string>, signal?: AbortSignal): Promise<string>;
  /**
   * The object's bytes, or a byte range of them (inclusive end), with its head. A ranged answer is
   * exactly that range (its Content-Range is checked), else a StoreError before its body is read.
   */
  get(
    key: string,
    range?: { start: number; end: number },
    signal?: AbortSignal,
  ): Promise<{ body: Readable; head: ObjectHead }>;
  /**
   * A whole small object in one request, read into memory, where the store has a cheaper way than
   * `get` (S3: the lean HTTP/1.1 client). `bytes` is there only when the answer announced exactly
   * `size` bytes (the listed size); an answer of another size comes with its head alone, its body
   * not read. Undefined when the store cannot this time (then `get`). Absent on other stores.
   */
  getWhole?(key: string, size: number, signal?: AbortSignal): Promise<WholeObject | undefined>;
  /**
   * A byte range of the object (inclusive end) whose body is read straight into the caller's memory
   * (`readInto`), where the store has such a way (S3 over plain HTTP: the lean client's reads land in
   * the sink's buffers, no copy). The answer is checked as `get` checks a ranged one (exactly that range,
   * its Content-Length the range's length, SSE-C as for `get`) before it is returned. Undefined when the
   * store cannot this time (then `get`). Absent on other stores.
   */
  getRange?(key: string, range: { start: number; end: number }, signal?: AbortSignal): Promise<RangeAnswer | undefined>;
  /** Deletes up to 1,000 keys; returns the keys that failed with their messages. */
  deleteMany(keys: string[], signal?: AbortSignal): Promise<Array<{ key: string; message: string }>>;
}
