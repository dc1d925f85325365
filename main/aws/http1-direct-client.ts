import {
  abortError,
  AnswerReader,
  type AnswerRules,
  HEAD_END,
  HEAD_MAX,
  networkError,
  onPooledConnection,
  PARKED_MS,
  parseAnswerHead,
  protocolError,
  StaleConnection,
} from './http1-client';
import { Http1Connector, type Http1Target } from './http1-connector';
import { DirectConnection, type ReadCounts } from './http1-direct-connection';
import { checkOutbound } from './outbound-check';
import type { BodySink } from './ports/object-store';
import { looksLikeHttp2, permanentFailure, protocolMismatch } from './protocol-mismatch';

/** A body framed by its Content-Length, not read yet: read it into a sink, or drop it. */
export interface PendingBody {
  /** Its Content-Length. */
  readonly length: number;
  /**
   * Reads all `length` bytes into `sink`, in order. Rejects with a network error (code ECONNRESET or
   * ETIMEDOUT, retried by the engine) when the connection breaks or falls silent, with an AbortError
   * when the request's signal aborts, and with the sink's own error when a sink call throws or rejects.
   * Called at most once.
   */
  readInto(sink: BodySink): Promise<void>;
  /** Drops the body unread: the connection is closed. */
  discard(): void;
}

/** An answer: status, headers (lower-case), and its body as read whole or waiting for a sink. */
export interface DirectAnswer {
  status: number;
  headers: Record<string, string>;
  /** The body of an answer `direct` took, not read yet. */
  pending?: PendingBody;
  /** The body of any other answer, read whole within the rules' `bodyLimit` (undefined when not read). */
  body?: Buffer | undefined;
}

/** What the caller takes of an answer: the answers whose body goes to a sink, the limit of the others'. */
export interface DirectRules extends Omit<AnswerRules, 'noBody'> {
  /** True when this answer's body is to be read into a sink (it must then come with a Content-Length). */
  direct: (status: number, headers: Record<string, string>) => boolean;
}

/**
 * A keep-alive HTTP/1.1 client whose answer bodies are read straight into the caller's memory (a
 * socket with `onread`: each read lands in the buffer the sink gave, no copy by an HTTP parser or by
 * the caller; over TCP the kernel reads into it, over TLS OpenSSL's cleartext is copied into it by
 * Node, one record at a time). For the lean path's ranged GETs, whose bodies go into the download's
 * slabs. Requests are fixed by the caller (a GET without a body, headers signed), as for
 * {@link import('./http1-client').Http1Client}, whose head parsing, error codes and connections
 * (`http1-connector.ts`: TLS verified as there, sessions of this client only) it shares.
 *
 * Invariant: `readInto` hands the sink exactly the body's bytes, in order, or fails; never a byte
 * past the answer's Content-Length (no read is given more room than the bytes left), and bytes read
 * with the head or while the sink made the read wait are copied into the sink's next rooms first.
 * A connection goes back to the pool only after a whole body with nothing after it.
 */
export class Http1DirectClient {
  private readonly idle: DirectConnection[] = [];
  private closed = false;
  /** Bytes read straight into callers' memory, and bytes read into the scratch buffer (then copied), over all requests. */
  readonly reads: ReadCounts = { direct: 0, scratch: 0 };
  /** TCP or TLS connections to the target (TLS: one secure context, sessions of this client only). */
  private readonly connector: Http1Connector;

  constructor(
    private readonly target: Http1Target,
    private readonly options: { idleTimeoutMs: number; maxIdleSockets?: number },
  ) {
    this.connector = new Http1Connector(target);
  }

  /**
   * Sends `head` (the request line and headers, ending in an empty line) and resolves with the
   * answer's head; a `direct` answer's body waits for `readInto`. `signal` covers the body too.
   */
  async request(head: string, rules: DirectRules, signal?: AbortSignal): Promise<DirectAnswer> {
    signal?.throwIfAborted();
    return onPooledConnection(
      this.idle,
      () => {
        checkOutbound('the lean HTTP/1.1 direct client (http1-direct-client.ts)', this.target.host);
        return new DirectConnection(this.connector, this.reads);
      },
      (connection) => this.exchange(connection, head, rules, signal),
    );
  }

  /** Closes every idle connection (a request in flight finishes on its own). */
  close(): void {
    this.closed = true;
    for (const connection of this.idle.splice(0)) connection.close();
  }

  /**
   * One request on `connection`. Only this exchange's own listeners are added and removed: a TLS
   * socket has listeners of its own (freeing its TLS state on close) that must stay.
   */
  private exchange(
    connection: DirectConnection,
    requestHead: string,
    rules: DirectRules,
    signal?: AbortSignal,
  ): Promise<DirectAnswer> {
    const { socket } = connection;
    const wasIdle = connection.used;
    connection.used = true;
    connection.unpark?.();
    socket.ref();
    const idleMs = this.options.idleTimeoutMs;
    return new Promise<DirectAnswer>((resolveHead, rejectHead) => {
      /** Who hears of a failure: the head's promise, then (once the body is being read) the body's. */
      let waiter: { reject: (error: Error) => void } | undefined = { reject: rejectHead };
      let received = false;
      let done = false;
      /** Set once the connection broke before the body was asked for: `readInto` then fails at once. */
      let broken: Error | undefined;
      const end = (error: Error | undefined, reusable: boolean) => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        socket.setTimeout(0);
        socket.off('timeout', onTimeout).off('close', ended);
        connection.onBytes = undefined;
        if (reusable && !this.closed) {
          socket.off('error', onError);
          this.park(connection);
        } else {
          connection.close();
        }
        if (error) {
          if (waiter) waiter.reject(error);
          else broken = error;
        }
        waiter = undefined;
      };
      const onAbort = () => end(abortError(signal!.reason), false);
      signal?.addEventListener('abort', onAbort, { once: true });
      const onTimeout = () =>
        end(networkError('ETIMEDOUT', `the connection to S3 was silent for ${idleMs / 1000} s`), false);
      socket.on('timeout', onTimeout);
      let failure: (Error & { code?: string }) | undefined;
      let closeFramed: AnswerReader | undefined; // an error body framed by the connection's end
      const ended = () => {
        if (done) return;
        const answer = failure ? undefined : closeFramed?.end();
        if (answer) {
          waiter = undefined;
          resolveHead(answer);
          return end(undefined, false);
        }
        if (wasIdle && !received) {
          return end(new StaleConnection('the server closed a kept-alive connection', { cause: failure }), false);
        }
        // A refused certificate, a server that will not speak HTTP/1.1: no network failure, never retried.
        const permanent = permanentFailure(failure);
        if (permanent) return end(permanent, false);
        const why = received
          ? 'the connection closed before the whole answer'
          : 'the connection closed before an answer';
        end(networkError(failure?.code ?? 'ECONNRESET', failure ? `${why} (${failure.message})` : why, failure), false);
      };
      const onError = (error: Error) => {
        failure ??= error;
        ended();
      };
      socket.on('error', onError);
      socket.on('close', ended);

      // The head: reads land in the scratch buffer and are gathered until the empty line.
      let pending: Buffer | undefined;
      connection.into(connection.scratch);
      connection.onBytes = (bytes) => {
        received = true;
        pending = Buffer.concat(pending ? [pending, bytes] : [bytes]); // a copy: the scratch is read into again
        if (looksLikeHttp2(pending)) return end(protocolMismatch('it answered in HTTP/2 frames'), false);
        const at = pending.indexOf(HEAD_END);
        if (at < 0) {
          if (pending.length > HEAD_MAX) end(protocolError('an answer head longer than 64 KiB'), false);
          return;
        }
        let head: ReturnType<typeof parseAnswerHead>;
        try {
          head = parseAnswerHead(pending.toString('latin1', 0, at));
        } catch (error) {
          return end(error as Error, false);
        }
        const rest = pending.subarray(at + HEAD_END.length);
        const { status, headers, keepAlive } = head;
        if (!rules.direct(status, headers)) {
          // Any other answer (an error's XML, a proxy's page) is read whole by the shared reader, within its limit.
          const reader = new AnswerReader(rules);
          const feed = (chunk: Buffer) => {
            let whole: ReturnType<AnswerReader['push']>;
            try {
              whole = reader.push(chunk);
            } catch (error) {
              return end(error as Error, false);
            }
            if (!whole) return;
            waiter = undefined;
            resolveHead({ status: whole.answer.status, headers: whole.answer.headers, body: whole.answer.body });
            end(undefined, whole.reusable);
          };
          closeFramed = reader;
          connection.onBytes = (chunk) => feed(Buffer.from(chunk)); // a copy: the reader may keep it
          return feed(pending);
        }
        const length = headers['content-length'];
        if (headers['transfer-encoding'] !== undefined || length === undefined || !/^\d{1,15}$/.test(length)) {
          return end(protocolError(`a ${status} answer without a Content-Length (body not read)`), false);
        }
        const size = Number(length);
        // The body waits for its sink: nothing is read meanwhile, and no silence limit runs (the caller checks the head).
        connection.pause();
        socket.setTimeout(0);
        connection.onBytes = () => end(protocolError('bytes before their body was asked for'), false);
        waiter = undefined;
        resolveHead({
          status,
          headers,
          pending: {
            length: size,
            readInto: (sink) =>
              new Promise<void>((resolve, reject) => {
                if (done) return reject(broken ?? new Error('the body was already read or dropped'));
                const body = new BodyReader(connection, sink, rest, size, idleMs, (error) => {
                  if (error) reject(error);
                  else resolve();
                  // Bytes after the body (no request asked for them): the connection is not used again.
                  end(error, !error && keepAlive && !body.trailing);
                });
                // A failure of the connection from now on ends the body's read (once no sink call is pending).
                waiter = { reject: (error) => body.stop(error) };
                body.start();
              }),
            discard: () => end(undefined, false),
          },
        });
      };
      socket.setTimeout(idleMs);
      socket.write(requestHead, 'latin1');
    });
  }

  /** Keeps a connection that ended a whole answer cleanly, for the next request. */
  private park(connection: DirectConnection): void {
    const { socket } = connection;
    if (this.idle.length >= (this.options.maxIdleSockets ?? 64)) return void connection.close();
    socket.unref(); // an idle connection keeps no process alive
    const drop = () => {
      const at = this.idle.indexOf(connection);
      if (at >= 0) this.idle.splice(at, 1);
      connection.unpark?.();
      connection.close();
    };
    connection.unpark = () => {
      connection.unpark = undefined;
      connection.onBytes = undefined;
      socket.setTimeout(0);
      socket.off('close', drop).off('error', drop).off('timeout', drop);
    };
    // Bytes nobody asked for, an end or an error while idle: the connection is not reused.
    connection.into(connection.scratch);
    connection.onBytes = drop;
    socket.on('close', drop).on('error', drop);
    // Not kept for ever: servers close idle connections after a few seconds (AWS ~20 s, RGW 30 s).
    socket.setTimeout(PARKED_MS, drop);
    this.idle.push(connection);
    connection.resume(); // it reads, to see a close (and tells what it held: bytes after the body drop it)
  }
}

/**
 * Feeds a body of `size` bytes into `sink`, starting with `early` (what came with the head): the bytes
 * at hand are copied into its rooms, then the connection reads straight into each room, given no more
 * than the bytes still to come. When the sink makes it wait, the connection pauses (no silence limit
 * meanwhile); the read in flight then lands in the scratch buffer and is copied, as is the body's last
 * piece (so that bytes after the body in the same read are seen: the connection is then not reused).
 * `done` is called once: with nothing when the whole body is in the sink, else with the error, and
 * never while a sink call is pending (so no room the sink hands out after the end goes unseen by it).
 */
class BodyReader {
  private room: Buffer | undefined; // the sink's room not yet used
  private reading: Buffer | undefined; // the part of `room` the connection reads into
  private copying: Buffer | undefined; // bytes at hand, not yet in the sink
  private toFill = 0; // bytes put into `room` not yet told to the sink
  private waiting = false;
  private stopped: Error | undefined;
  private finished = false;
  private left: number; // body bytes not yet read from the connection
  /** True when bytes came after the body. */
  trailing = false;

  constructor(
    private readonly connection: DirectConnection,
    private readonly sink: BodySink,
    early: Buffer,
    size: number,
    private readonly idleMs: number,
    private readonly done: (error?: Error) => void,
  ) {
    this.trailing = early.length > size;
    this.copying = early.length > 0 ? early.subarray(0, size) : undefined;
    this.left = size - (this.copying?.length ?? 0);
  }

  start(): void {
    this.connection.onBytes = (bytes, into) => {
      if (bytes.length > this.left) {
        this.trailing = true; // only a read into the scratch can hold more than the body's bytes left
        bytes = bytes.subarray(0, this.left);
      }
      this.left -= bytes.length;
      if (into === this.reading) this.toFill = bytes.length;
      else this.copying = bytes; // read into the scratch (a wait, the body's last piece): ours until copied
      this.reading = undefined;
      this.advance(); // false: finished, or waiting with the connection paused
    };
    if (this.advance()) this.read();
  }

  /** Ends the read with `error` (the connection broke, the request was aborted), once no sink call is pending. */
  stop(error: Error): void {
    this.stopped ??= error;
    this.connection.pause();
    if (!this.waiting) this.finish(this.stopped);
  }

  private finish(error?: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.connection.onBytes = undefined;
    this.done(error);
  }

  private read(): void {
    this.connection.socket.setTimeout(this.idleMs);
    this.connection.resume();
  }

  private wait(pending: Promise<unknown>): void {
    this.waiting = true;
    this.connection.pause();
    this.connection.socket.setTimeout(0);
    this.connection.into(this.connection.scratch);
    pending.then(
      () => {
        this.waiting = false;
        if (this.stopped) return this.finish(this.stopped);
        if (this.advance()) this.read();
      },
      (error: unknown) => {
        this.waiting = false;
        this.finish(this.stopped ?? (error as Error));
      },
    );
  }

  /** Moves the body on as far as it goes without waiting; true when the connection is to read. */
  private advance(): boolean {
    try {
      for (;;) {
        if (this.toFill > 0) {
          const told = this.sink.filled(this.toFill);
          this.toFill = 0;
          this.room = undefined;
          if (told instanceof Promise) return (this.wait(told), false);
        }
        if (!this.copying && this.left === 0) return (this.finish(), false);
        if (!this.room) {
          const given = this.sink.room();
          if (given instanceof Promise) return (this.wait(given.then((memory) => (this.room = usable(memory)))), false);
          this.room = usable(given);
        }
        if (this.copying) {
          this.toFill = this.copying.copy(this.room);
          this.copying = this.toFill < this.copying.length ? this.copying.subarray(this.toFill) : undefined;
          continue;
        }
        if (this.left <= this.connection.scratch.length && this.room.length >= this.left) {
          // The body's last piece goes through the scratch: a read there also shows bytes after the body.
          this.connection.into(this.connection.scratch);
          return true;
        }
        this.reading = this.room.length > this.left ? this.room.subarray(0, this.left) : this.room;
        this.connection.into(this.reading);
        return true;
      }
    } catch (error) {
      this.finish(error as Error);
      return false;
    }
  }
}

function usable(memory: Buffer): Buffer {
  if (memory.length === 0) throw new RangeError('the body sink gave a room of 0 bytes');
  return memory;
}
