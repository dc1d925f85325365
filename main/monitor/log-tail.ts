import { LineSplitter } from './line-splitter';
import type { TailSource } from './tail-source';

/** What one poll found. */
export interface TailPoll {
  lines: string[];
  /** Set when the file was replaced (rotation) or shrank (truncation); reading restarted at 0. */
  reset?: 'rotated' | 'truncated';
  /** The file does not exist (yet). */
  missing?: boolean;
}

/** Where a tail stands, to resume after a reconnect without duplicates or gaps. */
export interface TailPosition {
  offset: number;
  identity: string;
}

/**
 * Follows one log file by byte offset. Survives reconnects (keep the object, or rebuild it
 * from `position`), partial lines across reads, invalid UTF-8, truncation and rotation.
 * A file truncated and regrown past the old offset between two polls looks like growth:
 * poll often enough (seconds) that this does not happen with real logs.
 */
export class LogTail {
  private offset: number;
  private identity: string;
  private readonly splitter = new LineSplitter();

  constructor(
    private readonly source: TailSource,
    private readonly options: { maxBytesPerRead?: number; maxReadsPerPoll?: number; timeoutMs?: number } = {},
    start: TailPosition = { offset: 0, identity: '' },
  ) {
    this.offset = start.offset;
    this.identity = start.identity;
  }

  /** The byte offset of the next byte to read (partial line included). */
  get position(): TailPosition {
    return { offset: this.offset, identity: this.identity };
  }

  /** Reads what is new, a bounded amount per call so one poll cannot take forever. */
  async poll(signal?: AbortSignal): Promise<TailPoll> {
    const maxBytes = this.options.maxBytesPerRead ?? 1024 * 1024;
    const result: TailPoll = { lines: [] };
    for (let read = 0; read < (this.options.maxReadsPerPoll ?? 4); read++) {
      const chunk = await this.source.read(this.offset, maxBytes, {
        signal,
        timeoutMs: this.options.timeoutMs ?? 15_000,
      });
      if (chunk.size < 0) {
        result.missing = true;
        return result;
      }
      const replaced = this.identity !== '' && chunk.identity !== '' && chunk.identity !== this.identity;
      if (replaced || chunk.size < this.offset) {
        // The old file's unterminated last line is all we still have of it: keep it.
        result.lines.push(...this.splitter.flush());
        result.reset = replaced ? 'rotated' : 'truncated';
        this.identity = chunk.identity;
        this.offset = 0;
        continue;
      }
      this.identity = chunk.identity;
      if (chunk.bytes.length === 0) break;
      this.offset += chunk.bytes.length;
      result.lines.push(...this.splitter.push(chunk.bytes));
      if (chunk.bytes.length < maxBytes) break;
    }
    return result;
  }
}
