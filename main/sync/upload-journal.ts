import { join } from 'node:path';

import { readRegularFile } from '../core/regular-file';
import { writeFileAtomic } from '../core/write-file-atomic';
import { withStateDir } from './state-dir';

/** A part this machine sent, as it was when S3 accepted it. */
export interface JournalPart {
  /** SHA-256 of the part's bytes (S3 checked it against the signed payload hash). */
  sha256: string;
  /** The ETag S3 answered: a part listed with another ETag is not the one we sent. */
  etag: string;
}

/** One multipart upload this machine started and has not finished. */
export interface JournalEntry {
  bucket: string;
  key: string;
  /**
   * Empty while the upload is only an intent: written before CreateMultipartUpload, so that an
   * upload created by a process killed before it could record the id is still known as ours
   * (by key and by S3's initiation time, not before `startedMs`).
   */
  uploadId: string;
  /** The file version it uploads: resumable only while the file is still exactly this. */
  size: number;
  mtimeMs: number;
  sha256: string;
  partSize: number;
  startedMs: number;
  parts: Record<string, JournalPart>;
}

/**
 * The multipart uploads this local root has in flight (`.traindeck/uploads.json`): written
 * before an upload is created (its intent), once it is, and after its parts, so that after a crash or kill -9 the next
 * sync can tell its own unfinished uploads from anybody else's, resume them from the parts
 * already in S3, or abort them. Writes are serialised, coalesced and atomic.
 */
export interface UploadJournal {
  entries(): JournalEntry[];
  find(bucket: string, key: string): JournalEntry | undefined;
  put(entry: JournalEntry): Promise<void>;
  addPart(bucket: string, key: string, uploadId: string, partNumber: number, part: JournalPart): Promise<void>;
  remove(bucket: string, key: string, uploadId: string): Promise<void>;
}

const FILE = 'uploads.json';
// An entry is ~100 bytes per part (10,000 parts at most per upload); a handful of uploads are in flight.
const LIMIT = { what: 'an upload journal', maxBytes: 64 * 1024 * 1024 };

/** Reads the journal of a local root; a missing or unreadable one is empty (its uploads then count as foreign). */
export async function openUploadJournal(localRoot: string): Promise<UploadJournal> {
  let entries: JournalEntry[] = [];
  try {
    // Only a regular file in a real `.traindeck` (withStateDir, readRegularFile): never through a link, never a FIFO.
    const text = await withStateDir(localRoot, { create: false }, (dir) => readRegularFile(join(dir, FILE), LIMIT));
    const parsed = JSON.parse(text ?? '{}') as { version?: number; uploads?: JournalEntry[] };
    if (parsed.version === 1 && Array.isArray(parsed.uploads)) entries = parsed.uploads;
  } catch {
    entries = [];
  }
  // Writes coalesce: a change made while a write runs goes out with the next one, which takes
  // the journal as it is when it starts. Sixteen parts accepted at once cost two fsynced writes, not sixteen.
  let writing: Promise<void> = Promise.resolve();
  let next: Promise<void> | undefined;
  const save = () => {
    next ??= writing
      .catch(() => undefined)
      .then(async () => {
        next = undefined;
        const snapshot = JSON.stringify({ version: 1, uploads: entries });
        // Opened again for each write: nothing checked earlier in the sync proves anything now.
        await withStateDir(localRoot, { create: true }, (dir) => writeFileAtomic(join(dir, FILE), snapshot));
      });
    writing = next;
    return next;
  };
  const same = (e: JournalEntry, bucket: string, key: string) => e.bucket === bucket && e.key === key;
  return {
    entries: () => [...entries],
    find: (bucket, key) => entries.find((e) => same(e, bucket, key)),
    put(entry) {
      entries = [...entries.filter((e) => !same(e, entry.bucket, entry.key)), entry];
      return save();
    },
    addPart(bucket, key, uploadId, partNumber, part) {
      const entry = entries.find((e) => same(e, bucket, key) && e.uploadId === uploadId);
      if (!entry) return Promise.resolve();
      entry.parts[String(partNumber)] = part;
      return save();
    },
    remove(bucket, key, uploadId) {
      const before = entries.length;
      entries = entries.filter((e) => !(same(e, bucket, key) && e.uploadId === uploadId));
      return entries.length === before ? Promise.resolve() : save();
    },
  };
}
