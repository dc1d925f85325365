import type { Socket } from 'node:net';

import { Http1Connector, type Http1Target } from './http1-connector';
import { checkOutbound } from './outbound-check';
import { looksLikeHttp2, permanentFailure, protocolMismatch } from './protocol-mismatch';

export type { Http1Target, Http1Tls } from './http1-connector';

/**
 * A minimal keep-alive HTTP/1.1 client for the lean S3 path's small whole-object GETs. Node's
 * `http` client costs ~0.3 ms of JavaScript per small GET (a ClientRequest, an IncomingMessage and
 * their streams, header validation, the agent's bookkeeping), a third of the client's time per file
 * on a 2,000-file pull. Here a request is one string written to a pooled socket and its answer one
 * buffer: the head parsed once, a body of known size copied into one buffer of that size.
 *
 * What it sends is fixed by the caller (a GET or HEAD without a body, headers already signed). What
 * it accepts: a head of at most 64 KiB; a body framed by Content-Length (read only when `bodyLimit`
 * allows its size: else the answer comes without it and the socket is closed), by chunked encoding
 * (bounded by `bodyLimit`) or, without either, by the connection's end. Every way an answer can go
 * wrong ends the request with an error carrying a network `code` (ECONNRESET, ETIMEDOUT), which the
 * sync engine retries: a connection closed or reset before the whole body, a silent connection
 * (`idleTimeoutMs`), a head it cannot read. Two failures are not the network's and are never retried:
 * a refused certificate (Node's own error, `certificate-errors.ts`) and a server that will not speak
 * HTTP/1.1 (ALPN refused or another protocol chosen, HTTP/2 frames: `protocol-mismatch.ts`). A socket goes back to the pool only after a whole answer
 * with nothing after it; a request on a reused socket that the server closed in between (before a
 * byte of the answer) goes once more on a new connection, as GETs and HEADs are idempotent.
 */
export class Http1Client {
  private readonly idle: Parked[] = [];
  private closed = false;
  /** TCP or TLS connections to the target (TLS: one secure context, sessions of this client only). */
  private readonly connector: Http1Connector;

  constructor(
    private readonly target: Http1Target,
    private readonly options: { idleTimeoutMs: number; maxIdleSockets?: number },
  ) {
    this.connector = new Http1Connector(target);
  }

  /** Sends `head` (the request line and headers, ending in an empty line) and reads the answer. */
  async request(head: string, rules: AnswerRules, signal?: AbortSignal): Promise<Http1Answer> {
    signal?.throwIfAborted();
    const reused = this.idle.pop();
    if (reused) {
      reused.unpark();
      try {
        return await this.exchange(reused.socket, true, head, rules, signal);
      } catch (error) {
        // The server closed a kept-alive connection as the request went out: once more on a new one.
        if (!(error instanceof StaleConnection)) throw error;
      }
    }
    return this.exchange(this.connect(), false, head, rules, signal);
  }

  /** Closes every idle connection (a request in flight finishes on its own). */
  close(): void {
    this.closed = true;
    for (const parked of this.idle.splice(0)) parked.socket.destroy();
  }

  private connect(): Socket {
    checkOutbound('the lean HTTP/1.1 client (http1-client.ts)', this.target.host);
    return this.connector.connect();
  }

  /**
   * One request on `socket` (`reused`: a parked connection, so a close before any answer byte is a
   * stale connection, not a failure). Only this exchange's own listeners are added and removed: a TLS
   * socket has listeners of its own (freeing its TLS state on close) that must stay.
   */
  private exchange(
    socket: Socket,
    reused: boolean,
    head: string,
    rules: AnswerRules,
    signal?: AbortSignal,
  ): Promise<Http1Answer> {
    socket.ref();
    return new Promise<Http1Answer>((resolve, reject) => {
      const reader = new AnswerReader(rules);
      let settled = false;
      let received = false;
      const finish = (error: Error | undefined, answer?: Http1Answer, reusable = false) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        socket.setTimeout(0);
        socket.off('timeout', onTimeout).off('data', onData).off('close', ended);
        if (reusable && !this.closed) {
          socket.off('error', onError);
          this.park(socket);
        } else {
          // Its error listener stays: a destroyed socket may still report one, which must not go unhandled.
          socket.destroy();
        }
        if (error) reject(error);
        else resolve(answer!);
      };
      const onAbort = () => finish(abortError(signal!.reason));
      signal?.addEventListener('abort', onAbort, { once: true });
      const onTimeout = () =>
        finish(networkError('ETIMEDOUT', `the connection to S3 was silent for ${this.options.idleTimeoutMs / 1000} s`));
      socket.setTimeout(this.options.idleTimeoutMs, onTimeout);
      const onData = (chunk: Buffer) => {
        received = true;
        let done: ReturnType<AnswerReader['push']>;
        try {
          done = reader.push(chunk);
        } catch (error) {
          return finish(error as Error);
        }
        if (done) finish(undefined, done.answer, done.reusable);
      };
      socket.on('data', onData);
      let failure: (Error & { code?: string }) | undefined;
      const ended = () => {
        if (settled) return;
        // Only a clean end completes a body framed by the connection's end; a reset never does.
        const answer = failure ? undefined : reader.end();
        if (answer) return finish(undefined, answer);
        if (reused && !received) {
          return finish(new StaleConnection('the server closed a kept-alive connection', { cause: failure }));
        }
        // A refused certificate, a server that will not speak HTTP/1.1: no network failure, never retried.
        const permanent = permanentFailure(failure);
        if (permanent) return finish(permanent);
        const why = received
          ? 'the connection closed before the whole answer'
          : 'the connection closed before an answer';
        finish(networkError(failure?.code ?? 'ECONNRESET', failure ? `${why} (${failure.message})` : why, failure));
      };
      const onError = (error: Error) => {
        failure ??= error;
        ended();
      };
      socket.on('error', onError);
      socket.on('close', ended);
      socket.write(head, 'latin1');
    });
  }

  /** Keeps a connection that ended a whole answer cleanly, for the next request. */
  private park(socket: Socket): void {
    if (this.idle.length >= (this.options.maxIdleSockets ?? 64)) return void socket.destroy();
    socket.unref(); // an idle connection keeps no process alive
    const drop = () => {
      const at = this.idle.indexOf(parked);
      if (at >= 0) this.idle.splice(at, 1);
      parked.unpark();
      socket.on('error', () => {}); // a late error of a dropped connection has nobody to tell
      socket.destroy();
    };
    const parked: Parked = {
      socket,
      unpark: () => {
        socket.setTimeout(0);
        socket.off('data', drop).off('close', drop).off('error', drop).off('timeout', drop);
      },
    };
    // Bytes nobody asked for, an end or an error while idle: the connection is not reused.
    socket.on('data', drop).on('close', drop).on('error', drop);
    // Not kept for ever: servers close idle connections after a few seconds (AWS ~20 s, RGW 30 s).
    socket.setTimeout(PARKED_MS, drop);
    this.idle.push(parked);
  }
}

/** An idle connection and how to take it back from its idle watch. */
interface Parked {
  socket: Socket;
  unpark(): void;
}

/** What the caller accepts of an answer's body. */
export interface AnswerRules {
  /** True for a HEAD: the answer has no body whatever its headers say. */
  noBody?: boolean;
  /**
   * The most body bytes read for this status and head; a Content-Length above it ends the read
   * with the head only (`body` undefined) and the connection closed, a longer body of another
   * framing fails.
   */
  bodyLimit: (status: number, headers: Record<string, string>) => number;
}

/** An answer: status, headers (lower-case names, repeated ones joined by ', '), and its body if read. */
export interface Http1Answer {
  status: number;
  headers: Record<string, string>;
  /** Undefined when the body's announced size was above the caller's limit (not read). */
  body: Buffer | undefined;
}

/** How long an idle connection is kept for the next request. */
export const PARKED_MS = 4_000;

/** Longest answer head accepted: S3's are ~1 KiB with metadata (2 KiB of user metadata at most). */
export const HEAD_MAX = 64 * 1024;
export const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');

/**
 * Reads one answer from the bytes of a connection, fed as they arrive. `push` gives the answer
 * once whole (and whether the connection may carry another request); `end` the answer a
 * connection's end completes (a body framed by the close), or undefined.
 */
export class AnswerReader {
  private pending: Buffer | undefined;
  private status = 0;
  private headers: Record<string, string> = {};
  private keepAlive = true;
  private framing: 'length' | 'chunked' | 'close' | undefined;
  private body: Buffer | undefined;
  private filled = 0;
  private limit = 0;
  private chunks: ChunkedDecoder | undefined;
  private closeParts: Buffer[] = [];

  constructor(private readonly rules: AnswerRules) {}

  push(chunk: Buffer): { answer: Http1Answer; reusable: boolean } | undefined {
    let rest = chunk;
    if (this.framing === undefined) {
      const bytes = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
      if (looksLikeHttp2(bytes)) throw protocolMismatch('it answered in HTTP/2 frames');
      const end = bytes.indexOf(HEAD_END);
      if (end < 0) {
        if (bytes.length > HEAD_MAX) throw protocolError('an answer head longer than 64 KiB');
        this.pending = bytes;
        return undefined;
      }
      this.pending = undefined;
      const early = this.readHead(bytes.toString('latin1', 0, end));
      if (early) return { answer: early, reusable: false };
      rest = bytes.subarray(end + HEAD_END.length);
      if (this.framing === 'length' && this.filled === this.body!.length) return this.whole(rest);
    }
    if (this.framing === 'length') {
      const body = this.body!;
      const copied = rest.copy(body, this.filled);
      this.filled += copied;
      return this.filled === body.length ? this.whole(rest.subarray(copied)) : undefined;
    }
    if (this.framing === 'chunked') {
      const done = this.chunks!.push(rest);
      return done ? { answer: this.answer(done.body), reusable: this.keepAlive && done.rest.length === 0 } : undefined;
    }
    this.filled += rest.length;
    if (this.filled > this.limit) throw protocolError(`a body longer than the ${this.limit} bytes expected`);
    this.closeParts.push(rest);
    return undefined;
  }

  end(): Http1Answer | undefined {
    return this.framing === 'close' ? this.answer(Buffer.concat(this.closeParts)) : undefined;
  }

  /** Reads the head; returns the answer at once when no body is to be read. */
  private readHead(text: string): Http1Answer | undefined {
    const head = parseAnswerHead(text);
    this.status = head.status;
    this.headers = head.headers;
    this.keepAlive = head.keepAlive;
    if (this.rules.noBody || this.status === 204 || this.status === 304) {
      this.framing = 'length';
      this.body = Buffer.alloc(0);
      return undefined;
    }
    this.limit = this.rules.bodyLimit(this.status, this.headers);
    const encoding = this.headers['transfer-encoding'];
    if (encoding !== undefined) {
      if (encoding.toLowerCase() !== 'chunked') {
        throw protocolError(`a transfer encoding it does not read (${encoding})`);
      }
      this.framing = 'chunked';
      this.chunks = new ChunkedDecoder(this.limit);
      return undefined;
    }
    const length = this.headers['content-length'];
    if (length === undefined) {
      this.framing = 'close';
      this.keepAlive = false;
      return undefined;
    }
    if (!/^\d{1,15}$/.test(length)) {
      throw protocolError(`a Content-Length that is not a size (${JSON.stringify(length)})`);
    }
    const size = Number(length);
    // Not read: the caller refuses this size before a byte of its body is taken.
    if (size > this.limit) return this.answer(undefined);
    this.framing = 'length';
    this.body = Buffer.allocUnsafe(size);
    return undefined;
  }

  private whole(rest: Buffer): { answer: Http1Answer; reusable: boolean } {
    // Bytes after the answer (no request asked for them): the connection is not used again.
    return { answer: this.answer(this.body!), reusable: this.keepAlive && rest.length === 0 };
  }

  private answer(body: Buffer | undefined): Http1Answer {
    return { status: this.status, headers: this.headers, body };
  }
}

/**
 * An answer's status line and headers (the text before the empty line): lower-case names, repeated
 * ones joined by ', ', and whether the connection may carry another request. Throws a network
 * error (retried) for what is not an HTTP/1.x final answer.
 */
export function parseAnswerHead(text: string): { status: number; headers: Record<string, string>; keepAlive: boolean } {
  const lines = text.split('\r\n');
  const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
  if (!statusLine) {
    throw protocolError(`an answer that is not HTTP/1.x (${JSON.stringify((lines[0] ?? '').slice(0, 40))})`);
  }
  const status = Number(statusLine[2]);
  if (status < 200) throw protocolError(`an interim answer (${status}) to a request that asked for none`);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) {
      throw protocolError(`a header line it cannot read (${JSON.stringify(line.slice(0, 40))})`);
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const connection = (headers.connection ?? '').toLowerCase();
  const keepAlive = statusLine[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
  return { status, headers, keepAlive };
}

/** Chunked transfer coding (RFC 9112 §7.1): sizes in hex, extensions and trailers skipped, bounded. */
class ChunkedDecoder {
  private parts: Buffer[] = [];
  private total = 0;
  private left = 0; // data bytes of the current chunk still to come
  private state: 'size' | 'data' | 'data-end' | 'trailers' = 'size';
  private line = '';

  constructor(private readonly limit: number) {}

  push(bytes: Buffer): { body: Buffer; rest: Buffer } | undefined {
    let at = 0;
    while (at < bytes.length) {
      if (this.state === 'data') {
        const take = Math.min(this.left, bytes.length - at);
        this.parts.push(bytes.subarray(at, at + take));
        at += take;
        this.left -= take;
        if (this.left === 0) this.state = 'data-end';
        continue;
      }
      const newline = bytes.indexOf(10, at);
      this.line += bytes.toString('latin1', at, newline < 0 ? bytes.length : newline);
      if (this.line.length > 4096) throw protocolError('a chunked body line longer than 4 KiB');
      if (newline < 0) return undefined;
      at = newline + 1;
      const line = this.line.replace(/\r$/, '');
      this.line = '';
      if (this.state === 'data-end') {
        if (line !== '') throw protocolError('a chunk longer than its size');
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = /^([0-9a-fA-F]{1,12})(?:[ \t]*;.*)?$/.exec(line);
        if (!size) throw protocolError(`a chunk size it cannot read (${JSON.stringify(line.slice(0, 40))})`);
        this.left = Number.parseInt(size[1]!, 16);
        this.total += this.left;
        if (this.total > this.limit) throw protocolError(`a body longer than the ${this.limit} bytes expected`);
        this.state = this.left === 0 ? 'trailers' : 'data';
      } else if (line === '') {
        return { body: Buffer.concat(this.parts), rest: bytes.subarray(at) };
      }
    }
    return undefined;
  }
}

/**
 * `exchange` on an idle connection of `idle` if there is one, else on a `fresh` one. A reused
 * connection the server had closed (StaleConnection: before a byte of the answer) costs no failed
 * request: once more on a new one, as GETs and HEADs are idempotent.
 */
export async function onPooledConnection<C, T>(
  idle: C[],
  fresh: () => C,
  exchange: (connection: C) => Promise<T>,
): Promise<T> {
  const reused = idle.pop();
  if (reused) {
    try {
      return await exchange(reused);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
    }
  }
  return exchange(fresh());
}

/** A reused connection the server had closed: the request goes again on a new one. */
export class StaleConnection extends Error {}

export function networkError(code: string, message: string, cause?: unknown): Error {
  return Object.assign(new Error(message, cause === undefined ? {} : { cause }), { code });
}

/** An answer this client cannot read: the connection is dropped and the request may be retried. */
export function protocolError(what: string): Error {
  return networkError('ECONNRESET', `S3 sent ${what}`);
}

export function abortError(reason: unknown): Error {
  return Object.assign(new Error('The operation was aborted', { cause: reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  });
}
