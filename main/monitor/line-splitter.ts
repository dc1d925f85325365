/** The longest line kept whole; longer ones are cut (a binary blob must not eat memory). */
export const MAX_LINE_BYTES = 16 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const NON_BLANK = /\S/;

/**
 * Turns a byte stream into lines. Lines end at `\n` or `\r` (tqdm redraws its bar with `\r`
 * and no newline); a line split across reads waits for its end. Decoding happens per complete
 * line, so a multi-byte character cut by a read boundary is never broken, and invalid UTF-8
 * becomes U+FFFD instead of an exception.
 */
export class LineSplitter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  /** Feeds bytes; returns the lines they complete (empty lines dropped). */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let from = 0;
    // Native indexOf for both terminators: a byte-by-byte loop costs several times more at 1,000 lines/s.
    let lf = chunk.indexOf(LF);
    let cr = chunk.indexOf(CR);
    while (lf >= 0 || cr >= 0) {
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (this.pendingBytes === 0) {
        // Fast path, the common case: the whole line is in this chunk, decode it without a copy.
        const line = this.decoder.decode(chunk.subarray(from, Math.min(end, from + MAX_LINE_BYTES)));
        if (NON_BLANK.test(line)) lines.push(line);
      } else {
        this.append(chunk.subarray(from, end));
        this.emit(lines);
      }
      from = end + 1;
      if (lf >= 0 && lf < from) lf = chunk.indexOf(LF, from);
      if (cr >= 0 && cr < from) cr = chunk.indexOf(CR, from);
    }
    this.append(chunk.subarray(from));
    return lines;
  }

  /** Returns the unterminated rest as a line (the file ended or was replaced). */
  flush(): string[] {
    const lines: string[] = [];
    this.emit(lines);
    return lines;
  }

  /** Bytes held for an unfinished line. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  private append(part: Uint8Array): void {
    const room = MAX_LINE_BYTES - this.pendingBytes;
    if (room <= 0 || part.length === 0) return;
    const kept = part.length > room ? part.subarray(0, room) : part;
    // Copy: the caller may reuse its buffer.
    this.pending.push(kept.slice());
    this.pendingBytes += kept.length;
  }

  private emit(lines: string[]): void {
    if (this.pendingBytes === 0) return;
    const bytes = this.pending.length === 1 ? (this.pending[0] as Uint8Array) : concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const line = this.decoder.decode(bytes);
    if (NON_BLANK.test(line)) lines.push(line);
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
