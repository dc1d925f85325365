/** Items per chunk: a power of two, so an item's chunk and slot are a shift and a mask. */
const CHUNK_BITS = 10;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/**
 * An immutable list that grows at the end and shrinks at the front without copying its items:
 * they live in fixed-size chunks shared between versions. `append` costs the batch plus a copy of
 * the chunk table (100 entries for 100k items), `dropFront` the chunk table; chunks wholly dropped
 * are released. The last chunk is written in place only by the version that filled it last (as Go
 * appends to a slice); another version appending to an older copy copies that one chunk first.
 */
export class ChunkedList<T> {
  private static readonly none = new ChunkedList<never>([], 0, 0);

  private constructor(
    private readonly chunks: readonly T[][],
    /** Slot of item 0 in chunks[0]. */
    private readonly head: number,
    /** Items held. */
    readonly length: number,
  ) {}

  /** The empty list. */
  static empty<T>(): ChunkedList<T> {
    return ChunkedList.none;
  }

  /** Item `index` (0 ≤ index < length), else undefined. */
  get(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    const slot = this.head + index;
    return this.chunks[slot >> CHUNK_BITS]?.[slot & MASK];
  }

  /** This list with `items` after its last. */
  append(items: readonly T[]): ChunkedList<T> {
    if (items.length === 0) return this;
    const chunks = this.chunks.slice();
    const end = this.head + this.length;
    const lastIndex = chunks.length - 1;
    let last = chunks[lastIndex];
    const filled = end - lastIndex * CHUNK;
    // A newer version already wrote past our end in this chunk: ours continues on a copy.
    if (last && filled < CHUNK && last.length !== filled) chunks[lastIndex] = last = last.slice(0, filled);
    for (const item of items) {
      if (!last || last.length === CHUNK) chunks.push((last = []));
      last.push(item);
    }
    return new ChunkedList(chunks, this.head, this.length + items.length);
  }

  /** This list without its first `count` items (all of them if count ≥ length). */
  dropFront(count: number): ChunkedList<T> {
    if (count <= 0) return this;
    if (count >= this.length) return ChunkedList.empty();
    const head = this.head + count;
    return new ChunkedList(this.chunks.slice(head >> CHUNK_BITS), head & MASK, this.length - count);
  }

  /** Every item, in order (a copy: for "copy to clipboard", not per frame). */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.get(i) as T);
    return out;
  }
}
