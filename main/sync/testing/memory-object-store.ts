import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';

import {
  type Body,
  type ListedObject,
  type MultipartUploadInfo,
  type ObjectHead,
  type ObjectStore,
  StoreError,
  TAG_KEY_FINGERPRINT,
  type UploadedPart,
} from '../../aws/ports/object-store';

/** One object as the in-memory S3 holds it. */
export interface MemoryObject {
  key: string;
  bytes: Buffer;
  etag: string;
  lastModifiedMs: number;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  /** Fingerprint of the SSE-C key it was written with; undefined when stored without SSE-C. */
  sseKey?: string;
  /** Increases with every write of any object: tells two writes of equal bytes apart. */
  version: number;
}

/** An incomplete multipart upload, as ListMultipartUploads shows it. */
export interface MemoryUpload {
  key: string;
  uploadId: string;
  initiatedMs: number;
  metadata: Record<string, string>;
  sseKey?: string;
  parts: Map<number, { bytes: Buffer; etag: string }>;
}

/**
 * A bucket in memory that behaves like S3 as TrainDeck uses it (checked against Ceph RGW and
 * AWS documentation): quoted MD5 ETags, multipart ETags `md5(part md5s)-N`, LastModified from
 * an injected clock, SSE-C (an object written with one key answers 400 to reads with another,
 * or without one), signed payload hashes (a body that differs from its declared SHA-256 is
 * refused), multipart uploads that stay listed until completed or aborted.
 * Several stores (one per SSE-C key) share one bucket, like two machines with two key files.
 */
export class MemoryBucket {
  readonly objects = new Map<string, MemoryObject>();
  readonly uploads = new Map<string, MemoryUpload>();
  /** Answer a same-key SSE-C copy with 501 NotImplemented, as Ceph RGW 16 does. */
  copyNotImplemented = false;
  private writes = 0;

  constructor(
    readonly name: string,
    /** The clock S3 stamps LastModified and upload initiation with. */
    readonly now: () => number = Date.now,
  ) {}

  /** A store with this SSE-C key fingerprint (what the engine is given). */
  store(keyFingerprint: string): MemoryObjectStore {
    return new MemoryObjectStore(this, keyFingerprint);
  }

  /** Writes an object directly (another machine, awscli, a console): no engine involved. */
  putDirect(
    key: string,
    bytes: Buffer,
    options: { metadata?: Record<string, string>; sseKey?: string; tags?: Record<string, string> } = {},
  ): MemoryObject {
    const object: MemoryObject = {
      key,
      bytes: Buffer.from(bytes),
      etag: `"${md5(bytes)}"`,
      lastModifiedMs: this.now(),
      metadata: { ...options.metadata },
      tags: { ...options.tags },
      ...(options.sseKey ? { sseKey: options.sseKey } : {}),
      version: ++this.writes,
    };
    this.objects.set(key, object);
    return object;
  }

  /** Stores an object assembled from parts (the multipart ETag form). */
  putAssembled(upload: MemoryUpload, partNumbers: number[]): MemoryObject {
    const parts = partNumbers.map((n) => upload.parts.get(n)!);
    const bytes = Buffer.concat(parts.map((p) => p.bytes));
    const etag = `"${md5(Buffer.concat(parts.map((p) => Buffer.from(p.etag.replaceAll('"', ''), 'hex'))))}-${parts.length}"`;
    const object: MemoryObject = {
      key: upload.key,
      bytes,
      etag,
      lastModifiedMs: this.now(),
      metadata: { ...upload.metadata },
      tags: upload.sseKey ? { [TAG_KEY_FINGERPRINT]: upload.sseKey } : {},
      ...(upload.sseKey ? { sseKey: upload.sseKey } : {}),
      version: ++this.writes,
    };
    this.objects.set(upload.key, object);
    return object;
  }

  /** Incomplete multipart uploads under `prefix` (ListMultipartUploads). */
  incompleteUploads(prefix = ''): MemoryUpload[] {
    return [...this.uploads.values()].filter((u) => u.key.startsWith(prefix));
  }
}

/** The ObjectStore port over a {@link MemoryBucket}, reading and writing with one SSE-C key. */
export class MemoryObjectStore implements ObjectStore {
  readonly bucket: string;

  constructor(
    readonly memory: MemoryBucket,
    readonly keyFingerprint: string,
  ) {
    this.bucket = memory.name;
  }

  async checkBucket(): Promise<{ versioning: 'never'; sseCBlocked: false }> {
    return { versioning: 'never', sseCBlocked: false };
  }

  async list(prefix: string): Promise<ListedObject[]> {
    return [...this.memory.objects.values()]
      .filter((o) => o.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((o) => ({
        key: o.key,
        size: o.bytes.length,
        etag: o.etag,
        lastModifiedMs: o.lastModifiedMs,
        storageClass: 'INTELLIGENT_TIERING',
      }));
  }

  async head(key: string): Promise<ObjectHead> {
    return headOf(this.readable(key));
  }

  async tags(key: string): Promise<Record<string, string>> {
    return { ...this.existing(key).tags };
  }

  async put(request: { key: string; body: Body; bodySha256: string; metadata: Record<string, string> }) {
    const bytes = await readBody(request.body);
    checkDigest(bytes, request.bodySha256, request.key);
    const object = this.memory.putDirect(request.key, bytes, {
      metadata: request.metadata,
      sseKey: this.keyFingerprint,
      tags: { [TAG_KEY_FINGERPRINT]: this.keyFingerprint },
    });
    return object.etag;
  }

  async createMultipart(key: string, metadata: Record<string, string>): Promise<string> {
    const uploadId = randomUUID();
    this.memory.uploads.set(uploadId, {
      key,
      uploadId,
      initiatedMs: this.memory.now(),
      metadata: { ...metadata },
      sseKey: this.keyFingerprint,
      parts: new Map(),
    });
    return uploadId;
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Body, bodySha256: string) {
    const upload = this.upload(key, uploadId);
    if (upload.sseKey !== this.keyFingerprint) throw wrongKey(key);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
      throw new StoreError('other', `InvalidArgument: part number ${partNumber}`, { status: 400, key });
    }
    const bytes = await readBody(body);
    checkDigest(bytes, bodySha256, key);
    const etag = `"${md5(bytes)}"`;
    upload.parts.set(partNumber, { bytes, etag });
    return etag;
  }

  async completeMultipart(key: string, uploadId: string, parts: Array<{ partNumber: number; etag: string }>) {
    const upload = this.upload(key, uploadId);
    let previous = 0;
    for (const part of parts) {
      const stored = upload.parts.get(part.partNumber);
      if (!stored || stored.etag !== part.etag) {
        throw new StoreError('other', `InvalidPart: part ${part.partNumber} of ${key}`, { status: 400, key });
      }
      if (part.partNumber <= previous) throw new StoreError('other', `InvalidPartOrder: ${key}`, { status: 400, key });
      previous = part.partNumber;
    }
    if (parts.length === 0) throw new StoreError('other', `MalformedXML: no parts for ${key}`, { status: 400, key });
    this.memory.putAssembled(
      upload,
      parts.map((p) => p.partNumber),
    );
    this.memory.uploads.delete(uploadId);
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    this.upload(key, uploadId);
    this.memory.uploads.delete(uploadId);
  }

  /** CopyObject onto itself with SSE-C on both sides, MetadataDirective REPLACE, CopySourceIfMatch. */
  async copyWithMetadata(key: string, etag: string, metadata: Record<string, string>): Promise<string> {
    if (this.memory.copyNotImplemented) {
      throw new StoreError('not-implemented', 'NotImplemented', { status: 501, code: 'NotImplemented', key });
    }
    const object = this.readable(key);
    if (object.sseKey === undefined) {
      throw new StoreError('other', 'InvalidRequest: The encryption parameters are not applicable to this object.', {
        status: 400,
        code: 'InvalidRequest',
        key,
      });
    }
    if (object.etag !== etag) {
      throw new StoreError('precondition', `PreconditionFailed: ${key}`, {
        status: 412,
        code: 'PreconditionFailed',
        key,
      });
    }
    return this.memory.putDirect(key, object.bytes, {
      metadata,
      sseKey: this.keyFingerprint,
      tags: { [TAG_KEY_FINGERPRINT]: this.keyFingerprint },
    }).etag;
  }

  async get(key: string, range?: { start: number; end: number }) {
    const object = this.readable(key);
    if (range && (range.start > range.end || range.start >= object.bytes.length)) {
      throw new StoreError('other', `InvalidRange: ${key}`, { status: 416, key });
    }
    const bytes = range ? object.bytes.subarray(range.start, range.end + 1) : object.bytes;
    return { body: Readable.from([Buffer.from(bytes)]), head: { ...headOf(object), size: bytes.length } };
  }

  async deleteMany(keys: string[]): Promise<Array<{ key: string; message: string }>> {
    if (keys.length > 1000) throw new StoreError('other', 'MalformedXML: more than 1,000 keys', { status: 400 });
    for (const key of keys) this.memory.objects.delete(key);
    return [];
  }

  /** Incomplete multipart uploads under `prefix`, as ListMultipartUploads returns them (no key needed). */
  async listMultipartUploads(prefix: string): Promise<MultipartUploadInfo[]> {
    return this.memory
      .incompleteUploads(prefix)
      .map((u) => ({ key: u.key, uploadId: u.uploadId, initiatedMs: u.initiatedMs }));
  }

  /** The parts an incomplete upload holds (ListParts). */
  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    return [...this.upload(key, uploadId).parts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partNumber, part]) => ({ partNumber, etag: part.etag, size: part.bytes.length }));
  }

  private existing(key: string): MemoryObject {
    const object = this.memory.objects.get(key);
    if (!object) throw new StoreError('not-found', `NoSuchKey: ${key}`, { status: 404, code: 'NoSuchKey', key });
    return object;
  }

  /**
   * SSE-C: reads need the key the object was written with. An object stored without SSE-C is
   * read as the S3 adapter reads it (Ceph answers a keyed read of it; AWS refuses the key and
   * the adapter reads it again without one): its head says `encrypted: false`.
   */
  private readable(key: string): MemoryObject {
    const object = this.existing(key);
    if (object.sseKey !== undefined && object.sseKey !== this.keyFingerprint) throw wrongKey(key);
    return object;
  }

  private upload(key: string, uploadId: string): MemoryUpload {
    const upload = this.memory.uploads.get(uploadId);
    if (!upload || upload.key !== key) {
      throw new StoreError('not-found', `NoSuchUpload: ${uploadId}`, { status: 404, code: 'NoSuchUpload', key });
    }
    return upload;
  }
}

function headOf(object: MemoryObject): ObjectHead {
  return {
    size: object.bytes.length,
    etag: object.etag,
    lastModifiedMs: object.lastModifiedMs,
    storageClass: 'INTELLIGENT_TIERING',
    metadata: { ...object.metadata },
    encrypted: object.sseKey !== undefined,
  };
}

function wrongKey(key: string): StoreError {
  return new StoreError('wrong-key', 'The calculated MD5 hash of the key did not match the hash that was provided.', {
    status: 400,
    code: 'InvalidArgument',
    key,
  });
}

function checkDigest(bytes: Buffer, sha256: string, key: string): void {
  if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
    throw new StoreError('bad-digest', `XAmzContentSHA256Mismatch: ${key}`, {
      status: 400,
      code: 'XAmzContentSHA256Mismatch',
      key,
    });
  }
}

async function readBody(body: Body): Promise<Buffer> {
  if ('buffer' in body) return Buffer.from(body.buffer);
  const chunks: Buffer[] = [];
  for await (const chunk of body.stream()) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (bytes.length !== body.length) {
    throw new StoreError('other', `IncompleteBody: ${bytes.length} of ${body.length} bytes`, { status: 400 });
  }
  return bytes;
}

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}
