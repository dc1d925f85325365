import { type ObjectStore, TAG_KEY_FINGERPRINT } from '../../../aws/ports/object-store';
import { sha256Buffer } from '../../hash-file';
import { keyFingerprint } from '../../key-fingerprint';
import { MemoryBucket } from '../memory-object-store';
import { MTIME_BASE } from './model-steps';

/** An object as the model sees it: its bytes whatever key wrote it, and who can read it. */
export interface RemoteEntry {
  key: string;
  bytes: Buffer;
  sha256: string;
  etag: string;
  size: number;
  lastModifiedMs: number;
  metadata: Record<string, string>;
  /** Index of the SSE-C key that reads it; -1 when stored without SSE-C. */
  keyIndex: number;
  /** Tells two writes of the same bytes apart where the backend can (in memory); else the ETag. */
  version: string;
}

/** The S3 the model runs against: the in-memory one, or Ceph RGW (a smaller budget). */
export interface ModelBackend {
  readonly bucket: string;
  /** The engine's store with SSE-C key number `keyIndex` (0 or 1). */
  store(keyIndex: number): ObjectStore;
  fingerprint(keyIndex: number): string;
  /** Writes an object behind the engine's back (another machine, awscli). `keyIndex` -1: no SSE-C. */
  putDirect(key: string, bytes: Buffer, metadata: Record<string, string>, keyIndex: number): Promise<void>;
  deleteDirect(key: string): Promise<void>;
  /** Every object under `prefix`, with its bytes. */
  snapshot(prefix: string): Promise<Map<string, RemoteEntry>>;
  /** Incomplete multipart uploads under `prefix`. */
  incompleteUploads(prefix: string): Promise<string[]>;
  /** Moves S3's clock on (a no-op where S3 keeps real time). */
  advance(ms: number): void;
  cleanup(): Promise<void>;
}

/** Two distinct test keys: the prefix's and another one. */
export const MODEL_KEYS = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];

/** The in-memory S3, with a clock the model moves. */
export function memoryBackend(): ModelBackend & { memory: MemoryBucket } {
  let clock = MTIME_BASE;
  const memory = new MemoryBucket('model-bucket', () => clock);
  const fingerprints = MODEL_KEYS.map((key) => keyFingerprint(key));
  return {
    memory,
    bucket: memory.name,
    store: (keyIndex) => memory.store(fingerprints[keyIndex]!),
    fingerprint: (keyIndex) => fingerprints[keyIndex]!,
    async putDirect(key, bytes, metadata, keyIndex) {
      const sseKey = fingerprints[keyIndex];
      memory.putDirect(key, bytes, {
        metadata,
        ...(sseKey ? { sseKey, tags: { [TAG_KEY_FINGERPRINT]: sseKey } } : {}),
      });
    },
    async deleteDirect(key) {
      memory.objects.delete(key);
    },
    async snapshot(prefix) {
      const entries = new Map<string, RemoteEntry>();
      for (const o of memory.objects.values()) {
        if (!o.key.startsWith(prefix)) continue;
        entries.set(o.key, {
          key: o.key,
          bytes: o.bytes,
          sha256: sha256Buffer(o.bytes),
          etag: o.etag,
          size: o.bytes.length,
          lastModifiedMs: o.lastModifiedMs,
          metadata: { ...o.metadata },
          keyIndex: o.sseKey ? fingerprints.indexOf(o.sseKey) : -1,
          version: String(o.version),
        });
      }
      return entries;
    },
    async incompleteUploads(prefix) {
      return memory.incompleteUploads(prefix).map((u) => `${u.key} (upload ${u.uploadId})`);
    },
    advance(ms) {
      clock += ms;
    },
    async cleanup() {},
  };
}
