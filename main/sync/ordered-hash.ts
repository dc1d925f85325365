import { createHash } from 'node:crypto';

/** An {@link OrderedHash} wait that ended because the download was cancelled. */
const cancelled = (signal: AbortSignal) => signal.reason ?? new Error('cancelled');

/** Where an {@link OrderedHash}'s bytes are hashed, in the order given: on this thread or another. */
export interface Sha256Sink {
  /**
   * Hashes `bytes` after every earlier update. A promise means the bytes are read later (another
   * thread): they must not change until it settles; it rejects if they could not be hashed.
   */
  update(bytes: Buffer): Promise<void> | void;
  /** The hex SHA-256 of every byte updated. */
  digest(): Promise<string> | string;
  /** The hash will not be asked for (the download failed): its state can go. */
  drop?(): void;
}

/** The SHA-256 computed here, as each update is made. */
export function sha256HereSink(): Sha256Sink {
  const hash = createHash('sha256');
  return { update: (bytes) => void hash.update(bytes), digest: () => hash.digest('hex') };
}

/**
 * The SHA-256 of a file that arrives as byte ranges in any order (parallel ranged GETs), with no
 * second pass over the file: bytes at the hash cursor are hashed at once, bytes ahead of it are
 * held (by reference) until the gap before them is filled. What is held is bounded by the caller:
 * a range starts only once {@link reached} says the ranges far enough behind it are hashed.
 *
 * Invariant: `digest()` is the SHA-256 of exactly the bytes `add`ed, in offset order, and fails
 * unless they cover `[0, size)` once, without gaps or overlaps.
 */
export class OrderedHash {
  private hashedBytes = 0;
  private readonly held = new Map<number, Buffer>();
  private heldTotal = 0;
  private waiters: Array<{ offset: number; resolve: () => void }> = [];
  /** Updates the sink is still reading (each settles, never rejects: a failure is kept in `failure`). */
  private readonly reading = new Set<Promise<void>>();
  private failure: unknown;

  /**
   * `release` gets back every held buffer once it is hashed (the caller's buffer pool); `sink`
   * computes the hash (by default here, as bytes are added).
   */
  constructor(
    private readonly size: number,
    private readonly release?: (held: Buffer) => void,
    private readonly sink: Sha256Sink = sha256HereSink(),
  ) {}

  /** Bytes hashed so far, or handed to the sink to hash in order (every byte before this offset). */
  get hashed(): number {
    return this.hashedBytes;
  }

  /** Bytes received ahead of the cursor, waiting for the gap before them. */
  get heldBytes(): number {
    return this.heldTotal;
  }

  /**
   * The bytes at `offset` (never changed afterwards by the caller until hashed). Bytes at the cursor
   * go to the sink now: a promise is returned when the sink reads them later, and the caller keeps
   * them unchanged until it settles. Bytes ahead are held and given to `release` once hashed. Throws
   * once the sink has failed (the download cannot be checked: it fails).
   */
  add(offset: number, bytes: Buffer): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    if (bytes.length === 0) return undefined;
    if (offset < this.hashedBytes || offset + bytes.length > this.size || this.held.has(offset)) {
      throw new RangeError(`bytes ${offset}+${bytes.length} lie past the end or overlap bytes already received`);
    }
    if (offset !== this.hashedBytes) {
      this.held.set(offset, bytes);
      this.heldTotal += bytes.length;
      return undefined;
    }
    const reading = this.update(bytes);
    this.hashedBytes += bytes.length;
    let drained: Array<{ bytes: Buffer; reading: Promise<void> | undefined }> | undefined;
    for (let next = this.held.get(this.hashedBytes); next; next = this.held.get(this.hashedBytes)) {
      this.held.delete(this.hashedBytes);
      this.heldTotal -= next.length;
      (drained ??= []).push({ bytes: next, reading: this.update(next) });
      this.hashedBytes += next.length;
    }
    // Released only now, with the cursor final: whoever gets them back sees where it stands.
    const release = this.release;
    if (drained && release) {
      for (const held of drained) {
        if (held.reading) void held.reading.then(() => release(held.bytes));
        else release(held.bytes);
      }
    }
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((w) => w.offset <= this.hashedBytes);
      this.waiters = this.waiters.filter((w) => w.offset > this.hashedBytes);
      for (const waiter of ready) waiter.resolve();
    }
    return reading;
  }

  /** Hands `bytes` to the sink; the promise (if it reads them later) settles once it is done with them. */
  private update(bytes: Buffer): Promise<void> | undefined {
    const updated = this.sink.update(bytes);
    if (!updated) return undefined;
    const reading: Promise<void> = updated.then(
      () => void this.reading.delete(reading),
      (error: unknown) => {
        this.failure ??= error;
        this.reading.delete(reading);
      },
    );
    this.reading.add(reading);
    return reading;
  }

  /**
   * Drops every held buffer (the download failed), giving each to `release`, and the sink's state;
   * resolves once the sink reads none of the bytes it was given.
   */
  async discard(): Promise<void> {
    const held = [...this.held.values()];
    this.held.clear();
    this.heldTotal = 0;
    if (this.release) for (const bytes of held) this.release(bytes);
    await Promise.all(this.reading);
    this.sink.drop?.();
  }

  /** Resolves once every byte before `offset` is hashed; rejects when `signal` aborts first. */
  reached(offset: number, signal: AbortSignal): Promise<void> {
    if (offset <= this.hashedBytes) return Promise.resolve();
    if (signal.aborted) return Promise.reject(cancelled(signal));
    return new Promise((resolve, reject) => {
      const waiter = {
        offset,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(cancelled(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** The hex SHA-256 of all `size` bytes; rejects if some are missing or the sink failed. */
  async digest(): Promise<string> {
    if (this.hashedBytes !== this.size || this.heldTotal !== 0) {
      throw new Error(`only ${this.hashedBytes} of ${this.size} bytes arrived in order`);
    }
    await Promise.all(this.reading);
    if (this.failure) throw this.failure;
    return this.sink.digest();
  }
}
