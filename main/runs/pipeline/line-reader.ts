import type { RemoteHost } from '../../host/remote-host';

const CHUNK = 256 * 1024;

/**
 * Reads a growing file by byte offset and returns only complete lines. The offset advances
 * past the last newline only, so a partial line is read again (whole) next time, and a
 * reconnect resumes at the same offset: no line is lost or repeated.
 */
export class LineReader {
  constructor(
    readonly path: string,
    /** Bytes already handed out (a reattach resumes there). */
    public offset = 0,
  ) {}

  /** New complete lines since the last call (reads until caught up). */
  async next(host: RemoteHost): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const bytes = await host.read(this.path, this.offset, CHUNK);
      if (!bytes || bytes.length === 0) return lines;
      const end = bytes.lastIndexOf(0x0a);
      if (end < 0) {
        // A single line longer than a chunk: hand it out rather than stall forever.
        if (bytes.length < CHUNK) return lines;
        lines.push(bytes.toString('utf8'));
        this.offset += bytes.length;
        continue;
      }
      lines.push(...bytes.subarray(0, end).toString('utf8').split('\n'));
      this.offset += end + 1;
      if (bytes.length < CHUNK) return lines;
    }
  }
}
