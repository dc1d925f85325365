import type { Socket } from 'node:net';

import type { Http1Connector } from './http1-connector';

/** Reads of the head, and of a body's bytes while no sink memory is at hand, land here (then are copied). */
export const SCRATCH_BYTES = 64 * 1024;

/** Where a client's reads landed, in bytes. */
export interface ReadCounts {
  direct: number;
  scratch: number;
}

/**
 * One connection (TCP or TLS) whose reads land in the buffer last set with `into`, each told to
 * `onBytes` with the buffer it landed in.
 *
 * A TCP socket reads nothing once paused, but a TLS one goes on: Node decrypts every whole record of
 * a socket read in one loop (up to ~64 KiB of cleartext) and hands each over whatever the callback
 * answered, then stops reading the socket; and after a close in a callback it still copies the rest
 * of that loop's records into the buffer it was last given. Invariants: while paused or closed, reads
 * land only in a spare buffer of the connection's own, never in memory set with `into` (a room of the
 * caller's, or the scratch whose bytes the caller may still hold); what lands there is copied, held,
 * and told in order before the socket reads again.
 */
export class DirectConnection {
  readonly socket: Socket;
  readonly scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  /** Reads while paused or closed, and the first one after, land here (then are copied). */
  private readonly spare = Buffer.allocUnsafe(SCRATCH_BYTES);
  /** Told of each read: the bytes, and the buffer they were read into. */
  onBytes: ((bytes: Buffer, into: Buffer) => void) | undefined;
  /** True once it carried a request (a reused connection may have been closed by the server since). */
  used = false;
  /** Takes a parked connection back from its idle watch (set while it is parked). */
  unpark: (() => void) | undefined;
  private next: Buffer;
  private paused = false;
  /** True while the socket was told to stop reading (it may still hand over what it decrypted, above). */
  private stopped = false;
  private closed = false;
  /** Bytes read while paused (TLS only), in order, not told yet. */
  private held: Buffer[] = [];
  private telling = false;

  constructor(connector: Http1Connector, reads: ReadCounts) {
    this.next = this.scratch;
    this.socket = connector.connect({
      // Asked after every read (and once at the start): where the next read lands.
      buffer: () => (this.paused || this.closed ? this.spare : this.next),
      callback: (bytes, into) => {
        const buffer = into as Buffer;
        const own = buffer.buffer === this.scratch.buffer || buffer.buffer === this.spare.buffer;
        if (own) reads.scratch += bytes;
        else reads.direct += bytes;
        if (this.closed) return false;
        const read = buffer.subarray(0, bytes);
        // A read while paused, or the first one after (it landed where the last paused one did): held,
        // as a copy (the spare is read into again), and told from there.
        if (this.paused || buffer.buffer === this.spare.buffer) {
          this.held.push(Buffer.from(read));
          this.tellHeld();
        } else {
          this.onBytes?.(read, buffer);
        }
        if (!this.paused) this.readAgain(); // paused and resumed by what was told: the socket reads again
        return !this.paused;
      },
    });
  }

  /** Where the next read lands (the next one after the read in progress, if any), unless paused. */
  into(memory: Buffer): void {
    this.next = memory;
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.stopped = true;
    this.socket.pause();
  }

  /** Tells the bytes held while paused, then reads the socket again (unless told to pause meanwhile). */
  resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    this.tellHeld();
    if (!this.paused && !this.telling) this.readAgain();
  }

  private readAgain(): void {
    if (!this.stopped || this.closed) return;
    this.stopped = false;
    this.socket.resume();
  }

  /** Tells the held bytes in order, until none is left or the connection pauses or closes. */
  private tellHeld(): void {
    if (this.telling) return; // called from onBytes: the loop below goes on
    this.telling = true;
    try {
      while (!this.paused && !this.closed && this.held.length > 0) {
        const bytes = this.held.shift()!;
        this.onBytes?.(bytes, bytes);
      }
    } finally {
      this.telling = false;
    }
  }

  /** Closes the connection; nothing is told or read into the caller's memory after. */
  close(): void {
    this.closed = true;
    this.held = [];
    this.onBytes = undefined;
    this.socket.on('error', () => {}); // a late error of a closed connection has nobody to tell
    this.socket.destroy();
  }
}
