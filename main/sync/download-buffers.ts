/** A cancelled wait for a buffer. */
const cancelled = (signal: AbortSignal) => signal.reason ?? new Error('cancelled');

/** Socket chunks (~64 KiB) are gathered into buffers of this size: one disk write each. */
export const SLAB_BYTES = 1024 * 1024;

interface Waiter {
  atCursor: () => boolean;
  resolve: (slab: Buffer) => void;
}

/**
 * The one memory budget of a sync's ranged downloads, shared by all its files: every ranged GET
 * copies its socket chunks into a fixed-size buffer ("slab") taken from here, writes it at its
 * offset, then hashes it at once (its bytes are at the file's hash cursor) and reuses it, or
 * hands it to the file's hash, which holds it until the gap before it is filled and then gives
 * it back. So the bytes in flight plus the bytes waiting out of order never exceed
 * `budgetBytes`, however many files and ranges run at once; a range that finds the budget spent
 * stops reading its socket (TCP back-pressure) until a slab comes back.
 *
 * Slabs are made on first need and reused, never dropped, so that the memory is the same
 * whatever the garbage collector does; they die with the sync.
 *
 * A waiter whose bytes are at its file's hash cursor is served before those ahead of it, and the
 * last slab is kept for such a waiter: only a range at its cursor frees held slabs by moving it,
 * so the slabs of ranges running ahead can never starve the ranges they wait for (no deadlock,
 * whatever the budget, the number of files and the order in which bytes arrive).
 */
export class DownloadBuffers {
  /** At most this many slabs exist. */
  private readonly limit: number;
  private readonly free: ArrayBufferLike[] = [];
  private readonly inUse = new Set<ArrayBufferLike>();
  private made = 0;
  private peak = 0;
  private waiters: Waiter[] = [];

  /**
   * `shared`: slabs in SharedArrayBuffers, which another thread (the sync's `HashThread`) reads in
   * place while this one writes them to disk.
   */
  constructor(
    budgetBytes: number,
    readonly slabBytes: number = SLAB_BYTES,
    private readonly shared = false,
  ) {
    if (!Number.isInteger(slabBytes) || slabBytes < 1) {
      throw new RangeError(`the download buffer size must be a positive whole number of bytes (got ${slabBytes})`);
    }
    this.limit = Math.floor(budgetBytes / slabBytes);
    if (!(this.limit >= 1)) {
      throw new RangeError(
        `the download memory budget (${budgetBytes} bytes) is smaller than one ${slabBytes}-byte buffer; give it at least ${slabBytes} bytes`,
      );
    }
  }

  /** The budget as whole slabs. */
  get budgetBytes(): number {
    return this.limit * this.slabBytes;
  }

  /** Bytes of the slabs taken and not given back. */
  get heldBytes(): number {
    return this.inUse.size * this.slabBytes;
  }

  /** The most bytes ever held at once. */
  get peakHeldBytes(): number {
    return this.peak * this.slabBytes;
  }

  /** Waits that have not been served yet. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * A slab for the caller to fill, at once if the budget allows, else when one comes back;
   * `atCursor` says whether the caller's next bytes are at its file's hash cursor (asked again
   * whenever a slab comes back). Rejects when `signal` aborts first.
   */
  take(signal: AbortSignal, atCursor: () => boolean): Promise<Buffer> {
    if (signal.aborted) return Promise.reject(cancelled(signal));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        atCursor,
        resolve: (slab) => {
          signal.removeEventListener('abort', onAbort);
          resolve(slab);
        },
      };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(cancelled(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.serve();
    });
  }

  /**
   * The slab {@link take} would lend at once, handed over now (the caller reads into it without a
   * wait), or undefined when `take` would wait: same rules, so nobody waiting is passed over.
   */
  takeNow(atCursor: () => boolean): Buffer | undefined {
    if (this.waiters.length > 0) return undefined;
    const available = this.free.length + this.limit - this.made;
    if (available >= 2 || (available >= 1 && atCursor())) return this.lend(this.free.pop() ?? this.make());
    return undefined;
  }

  /** Gives back the slab that `bytes` is (part of); serves the next waiter. */
  give(bytes: Uint8Array): void {
    const slab = bytes.buffer;
    if (!this.inUse.delete(slab)) throw new Error('a buffer was given back that was not taken (or given back twice)');
    this.free.push(slab);
    this.serve();
  }

  /**
   * Lends slabs to waiters, those at their hash cursor first (in order of arrival), those ahead
   * only while two or more are available. The last slab is kept for a range at its cursor: the
   * slabs held by ranges ahead (and by the hashes, for them) then never take the whole budget,
   * so some range at its cursor can always go on and free what its file's hash holds.
   */
  private serve(): void {
    while (this.waiters.length > 0) {
      const available = this.free.length + this.limit - this.made;
      const next =
        (available >= 1 ? this.waiters.find((w) => w.atCursor()) : undefined) ??
        (available >= 2 ? this.waiters[0] : undefined);
      if (!next) return;
      this.waiters = this.waiters.filter((w) => w !== next);
      next.resolve(this.lend(this.free.pop() ?? this.make()));
    }
  }

  private make(): ArrayBufferLike {
    this.made += 1;
    return this.shared ? new SharedArrayBuffer(this.slabBytes) : Buffer.allocUnsafeSlow(this.slabBytes).buffer;
  }

  private lend(slab: ArrayBufferLike): Buffer {
    this.inUse.add(slab);
    this.peak = Math.max(this.peak, this.inUse.size);
    return Buffer.from(slab, 0, this.slabBytes);
  }
}
