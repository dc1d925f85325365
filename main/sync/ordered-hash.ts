import { createHash } from 'node:crypto';

/** An {@link OrderedHash} wait that ended because the download was cancelled. */
const cancelled = (signal: AbortSignal) => signal.reason ?? new Error('cancelled');

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
  private readonly hash = createHash('sha256');
  private hashedBytes = 0;
  private readonly held = new Map<number, Buffer>();
  private heldTotal = 0;
  private waiters: Array<{ offset: number; resolve: () => void }> = [];

  /** `release` gets back every held buffer once it is hashed (the caller's buffer pool). */
  constructor(
    private readonly size: number,
    private readonly release?: (held: Buffer) => void,
  ) {}

  /** Bytes hashed so far (every byte before this offset). */
  get hashed(): number {
    return this.hashedBytes;
  }

  /** Bytes received ahead of the cursor, waiting for the gap before them. */
  get heldBytes(): number {
    return this.heldTotal;
  }

  /** The bytes at `offset` (never changed afterwards by the caller). */
  add(offset: number, bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (offset < this.hashedBytes || offset + bytes.length > this.size || this.held.has(offset)) {
      throw new RangeError(`bytes ${offset}+${bytes.length} lie past the end or overlap bytes already received`);
    }
    if (offset !== this.hashedBytes) {
      this.held.set(offset, bytes);
      this.heldTotal += bytes.length;
      return;
    }
    this.hash.update(bytes);
    this.hashedBytes += bytes.length;
    let drained: Buffer[] | undefined;
    for (let next = this.held.get(this.hashedBytes); next; next = this.held.get(this.hashedBytes)) {
      this.held.delete(this.hashedBytes);
      this.heldTotal -= next.length;
      this.hash.update(next);
      this.hashedBytes += next.length;
      (drained ??= []).push(next);
    }
    // Released only now, with the cursor final: whoever gets them back sees where it stands.
    if (drained && this.release) for (const held of drained) this.release(held);
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.offset <= this.hashedBytes);
    this.waiters = this.waiters.filter((w) => w.offset > this.hashedBytes);
    for (const waiter of ready) waiter.resolve();
  }

  /** Drops every held buffer (the download failed), giving each to `release`. */
  discard(): void {
    const held = [...this.held.values()];
    this.held.clear();
    this.heldTotal = 0;
    if (this.release) for (const bytes of held) this.release(bytes);
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

  /** The hex SHA-256 of all `size` bytes; throws if some are missing. */
  digest(): string {
    if (this.hashedBytes !== this.size || this.heldTotal !== 0) {
      throw new Error(`only ${this.hashedBytes} of ${this.size} bytes arrived in order`);
    }
    return this.hash.digest('hex');
  }
}
