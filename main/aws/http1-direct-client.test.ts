import type { Socket } from 'node:net';

import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type DirectRules, Http1DirectClient } from './http1-direct-client';
import type { BodySink } from './ports/object-store';
import { type Script, type ScriptedServer, scriptedServer } from './testing/scripted-http-server';
import { makeTestCertificates, type TestCertificates } from './testing/test-certificates';

// Invariant: `readInto` hands the sink exactly the body's bytes in order and resolves, or rejects
// (a network code the engine retries: ECONNRESET, ETIMEDOUT; an AbortError; the sink's own error);
// the sink never gets a byte past the answer's Content-Length, is never called once the read has
// settled, and no read settles while a sink call it made is pending. A connection is reused only
// after a whole body. Faults: cut body, reset, stall before/after the head and mid-body, 500/503/
// HTML bodies, a Content-Length too long or too short, no Content-Length, bytes after the body, a
// throwing sink, an abort at every point. All of them over plain HTTP and over TLS.
// Over TLS also: no read lands in the sink's memory except before the `filled` call that tells it
// (Node hands over every record it decrypted from one socket read, even after the read was paused
// or the connection closed: those must land in the scratch buffer, be held and told in order).

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates();
});

type Transport = 'http' | 'https';

let server: ScriptedServer | undefined;
let client: Http1DirectClient | undefined;
/** Every sink a test made: checked once more after the test (nothing written into them late). */
const sinks: TestSink[] = [];
afterEach(async () => {
  client?.close();
  await server?.close();
  server = undefined;
  for (const sink of sinks.splice(0)) {
    await sink.recheck();
    expect(sink.misuse).toEqual([]);
  }
});

/**
 * A loopback server answering each request by `script` (see scriptedServer), over plain HTTP or TLS
 * (the valid test certificate, the client trusting the test CA), and a client to it; `idleTimeoutMs`:
 * the silence limit, short only where a test is about it (a loaded machine stalls longer; over TLS at
 * least 1 s, or a handshake on a machine loaded by other work could pass for a silent server).
 */
async function serve(script: Script, transport: Transport, idleTimeoutMs = 10_000) {
  server = await scriptedServer(script, transport === 'https' ? certs.valid : undefined);
  const tls = transport === 'https' ? { tls: { servername: '127.0.0.1', ca: [certs.ca] } } : {};
  const limit = transport === 'https' ? Math.max(idleTimeoutMs, 1_000) : idleTimeoutMs;
  client = new Http1DirectClient({ host: '127.0.0.1', port: server.port, ...tls }, { idleTimeoutMs: limit });
  return { client, connections: server.connections };
}

const GET = 'GET /b/k HTTP/1.1\r\nhost: x\r\nrange: bytes=0-9\r\n\r\n';
const RULES: DirectRules = { direct: (status) => status === 206, bodyLimit: () => 64 * 1024 };
const head206 = (length: number, extra = '') =>
  `HTTP/1.1 206 Partial Content\r\nContent-Length: ${length}\r\nContent-Range: bytes 0-${length - 1}/${length}\r\n${extra}\r\n`;
const bytesOf = (length: number, seed = 0) => Buffer.from(Array.from({ length }, (_, i) => (i * 7 + seed) % 251));

/** A sink made by {@link sinkOf}, with what it saw. */
interface TestSink {
  sink: BodySink;
  /** The bytes it was told of, in order. */
  bytes: () => Buffer;
  /** Marks the read as settled (a later call is misuse) and checks its memory. */
  settle: () => void;
  /** Looks again once the connection had time to do what it still would (a late read into a room). */
  recheck: () => Promise<void>;
  misuse: string[];
}

/**
 * A sink over one buffer: rooms of the sizes given in turn (cycled), each call answered at once or
 * by a promise as `async` says (cycled). Records every call, and fails the test if it is called after
 * the read settled or while one of its own promises is pending, or if its memory changed anywhere but
 * in the room it last gave (a read after its bytes were told, or after the read ended).
 */
function sinkOf(size: number, rooms: number[] = [1 << 20], async: boolean[] = [false], delayMs = 0): TestSink {
  const target = Buffer.alloc(size + 64, 0xee);
  /** What the sink was told: `target` must equal it outside the room given and not filled yet. */
  const told = Buffer.from(target);
  let at = 0;
  let calls = 0;
  let given: Buffer | undefined;
  let pending = false;
  let settled = false;
  const misuse: string[] = [];
  const later = <T>(value: T): Promise<T> => {
    pending = true;
    return new Promise((resolve) =>
      setTimeout(() => {
        pending = false;
        resolve(value);
      }, delayMs),
    );
  };
  const check = (what: string) => {
    if (settled) misuse.push(`${what} after the read settled`);
    if (pending) misuse.push(`${what} while a promise of the sink was pending`);
    const from = given ? at : target.length;
    const to = given ? at + given.length : target.length;
    const outside = (a: number, b: number) => target.subarray(a, b).equals(told.subarray(a, b));
    if (!outside(0, from) || !outside(to, target.length)) misuse.push(`memory written outside the room (at ${what})`);
  };
  const sink: BodySink = {
    room() {
      check('room');
      const length = rooms[calls % rooms.length]!;
      const wait = async[calls++ % async.length]!;
      given = target.subarray(at, at + Math.max(1, length));
      return wait ? later(given) : given;
    },
    filled(bytes) {
      check('filled');
      if (!given || bytes > given.length) misuse.push(`filled ${bytes} of a room of ${given?.length}`);
      target.copy(told, at, at, at + bytes);
      at += bytes;
      given = undefined;
      return async[calls++ % async.length] ? later(undefined) : undefined;
    },
  };
  const made: TestSink = {
    sink,
    bytes: () => target.subarray(0, at),
    settle: () => {
      if (pending) misuse.push('the read settled while a promise of the sink was pending');
      settled = true;
      given = undefined;
      if (!target.equals(told)) misuse.push('memory written that the sink was not told of');
    },
    recheck: async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (settled && !target.equals(told)) misuse.push('memory written after the read settled');
    },
    misuse,
  };
  sinks.push(made);
  return made;
}

async function readAll(answer: Awaited<ReturnType<Http1DirectClient['request']>>, sink: TestSink) {
  try {
    await answer.pending!.readInto(sink.sink);
  } finally {
    sink.settle();
  }
}

describe.each<Transport>(['http', 'https'])('Http1DirectClient against a loopback server over %s', (transport) => {
  const serveOver = (script: Script, idleTimeoutMs?: number) => serve(script, transport, idleTimeoutMs);

  it('reads each body into the sink, rooms of any size, waiting or not, and reuses the connection (seed 42)', async () => {
    const body = bytesOf(100_000);
    let splits: number[] = [];
    const { client, connections } = await serveOver((socket) => {
      // The answer in pieces of the sizes the case draws (the head and body together).
      const whole = Buffer.concat([Buffer.from(head206(body.length), 'latin1'), body]);
      let at = 0;
      for (let i = 0; at < whole.length; i++) {
        const piece = splits.length ? splits[i % splits.length]! : whole.length;
        socket.write(whole.subarray(at, at + piece));
        at += piece;
      }
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 500, max: 150_000 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 100, max: 100_000 }), { maxLength: 4 }),
        async (rooms, async, pieces) => {
          splits = pieces;
          const sink = sinkOf(body.length, rooms, async);
          const answer = await client.request(GET, RULES);
          expect(answer.status).toBe(206);
          expect(answer.pending?.length).toBe(body.length);
          await readAll(answer, sink);
          expect(sink.misuse).toEqual([]);
          expect(sink.bytes().equals(body)).toBe(true);
        },
      ),
      { seed: 42, numRuns: 30 },
    );
    expect(connections()).toBe(1);
  }, 90_000);

  it('a large body is read straight into the rooms: only the reads with the head, the first read after it and the last piece go through the scratch', async () => {
    const body = bytesOf(4 << 20);
    const { client } = await serveOver((socket) =>
      socket.write(Buffer.concat([Buffer.from(head206(body.length)), body])),
    );
    const sink = sinkOf(body.length, [1 << 20, 300_000]);
    await readAll(await client.request(GET, RULES), sink);
    expect(sink.bytes().equals(body)).toBe(true);
    expect(client.reads.scratch).toBeLessThanOrEqual(3 * 64 * 1024);
    expect(client.reads.direct + client.reads.scratch).toBe(body.length + head206(body.length).length);
  });

  it('a sink that throws as a room is filled mid-body: nothing lands in its memory after (what the connection still reads goes to the scratch)', async () => {
    const body = bytesOf(400_000);
    const { client } = await serveOver((socket) =>
      socket.write(Buffer.concat([Buffer.from(head206(body.length)), body])),
    );
    const disk = new Error('disk full');
    // At every call up to the 30th: copies of what came with the head, reads straight into rooms, last pieces.
    for (let nth = 1; nth <= 30; nth++) {
      // Rooms smaller than a TLS record (16 KiB): a record's cleartext is split over two rooms.
      const sink = sinkOf(body.length, [10_000]);
      const filled = sink.sink.filled.bind(sink.sink);
      let calls = 0;
      sink.sink.filled = (bytes: number) => {
        void filled(bytes);
        if (++calls === nth) throw disk;
      };
      await expect(readAll(await client.request(GET, RULES), sink), `throw at call ${nth}`).rejects.toBe(disk);
      expect(sink.bytes().equals(body.subarray(0, sink.bytes().length))).toBe(true);
      await sink.recheck();
      expect(sink.misuse, `throw at call ${nth}`).toEqual([]);
    }
  });

  it('a body whole with its head: read from what came, and the connection is reused', async () => {
    const { client, connections } = await serveOver((socket) => socket.write(head206(10) + '0123456789'));
    for (const n of [0, 1]) {
      const sink = sinkOf(10, [3]);
      await readAll(await client.request(GET, RULES), sink);
      expect(sink.bytes().toString(), `request ${n}`).toBe('0123456789');
    }
    expect(connections()).toBe(1);
  });

  it('a body cut by the server fails with ECONNRESET after the bytes that came; the next request gets a new connection', async () => {
    const { client, connections } = await serveOver((socket, n) => {
      if (n === 0) socket.end(head206(1000) + 'x'.repeat(400));
      else socket.write(head206(10) + '0123456789');
    });
    const sink = sinkOf(1000);
    const answer = await client.request(GET, RULES);
    await expect(readAll(answer, sink)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(sink.misuse).toEqual([]);
    expect(sink.bytes().toString()).toBe('x'.repeat(sink.bytes().length));
    expect(sink.bytes().length).toBeLessThanOrEqual(400);
    await readAll(await client.request(GET, RULES), sinkOf(10));
    expect(connections()).toBe(2);
  });

  it('a reset mid-body fails with ECONNRESET', async () => {
    const { client } = await serveOver((socket) => {
      socket.write(head206(100_000) + 'y'.repeat(5000));
      setImmediate(() => socket.resetAndDestroy());
    });
    const answer = await client.request(GET, RULES);
    await expect(readAll(answer, sinkOf(100_000))).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('a server silent before the head, after it, or mid-body fails with ETIMEDOUT', async () => {
    const { client } = await serveOver((socket, n) => {
      if (n === 1) socket.write(head206(10));
      if (n === 2) socket.write(head206(10) + '01234');
    }, 300);
    await expect(client.request(GET, RULES)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    for (const n of [1, 2]) {
      const answer = await client.request(GET, RULES);
      await expect(readAll(answer, sinkOf(10)), `request ${n}`).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    }
  });

  it('a sink that waits longer than the silence limit is not a silent server', async () => {
    const body = bytesOf(100_000);
    const { client } = await serveOver(
      (socket) => socket.write(Buffer.concat([Buffer.from(head206(body.length)), body])),
      1_000,
    );
    // Each room comes after a wait longer than the limit (a read lands after each: a few rounds).
    const sink = sinkOf(body.length, [200_000], [true, false], 1_300);
    await readAll(await client.request(GET, RULES), sink);
    expect(sink.bytes().equals(body)).toBe(true);
  }, 40_000);

  it.each([
    [
      '500 with S3 XML',
      'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 51\r\n\r\n<Error><Code>InternalError</Code><Message/></Error>',
    ],
    [
      '503 SlowDown',
      'HTTP/1.1 503 Slow Down\r\nContent-Length: 40\r\n\r\n<Error><Code>SlowDown</Code></Error>\r\n\r\n',
    ],
    ['403 HTML, chunked', 'HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n<html>\r\n0\r\n\r\n'],
  ])('an error answer (%s) comes with its body read whole, no sink involved', async (_name, answer) => {
    const { client, connections } = await serveOver((socket, n) =>
      socket.write(n === 0 ? answer : head206(10) + '0123456789'),
    );
    const got = await client.request(GET, RULES);
    expect(got.pending).toBeUndefined();
    expect(got.body?.toString()).toMatch(/Error|html/);
    await readAll(await client.request(GET, RULES), sinkOf(10));
    expect(connections()).toBe(1);
  });

  it('an error body framed by the connection end is read on a clean end', async () => {
    const { client } = await serveOver((socket) => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n<html>proxy</html>'));
    const got = await client.request(GET, RULES);
    expect([got.status, got.body?.toString()]).toEqual([502, '<html>proxy</html>']);
  });

  it('a direct answer without a Content-Length fails (ECONNRESET) before any sink call', async () => {
    const { client } = await serveOver((socket) =>
      socket.write('HTTP/1.1 206 Partial Content\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'),
    );
    await expect(client.request(GET, RULES)).rejects.toMatchObject({
      code: 'ECONNRESET',
      message: expect.stringContaining('without a Content-Length'),
    });
  });

  it.each([
    ['with the head', (socket: Socket) => socket.write(head206(10) + '0123456789EXTRA')],
    [
      'at the end of the body',
      (socket: Socket) => {
        socket.write(head206(10) + '0123');
        setTimeout(() => socket.write('456789EXTRA-BYTES'), 20);
      },
    ],
  ])('bytes after the body (%s) never reach the sink, and the connection is not reused', async (_when, answer) => {
    const { client, connections } = await serveOver((socket, n) =>
      n === 0 ? answer(socket) : socket.write(head206(10) + '0123456789'),
    );
    const sink = sinkOf(10, [4, 100]);
    await readAll(await client.request(GET, RULES), sink);
    expect(sink.misuse).toEqual([]);
    expect(sink.bytes().toString()).toBe('0123456789');
    await readAll(await client.request(GET, RULES), sinkOf(10));
    expect(connections()).toBe(2);
  });

  it('a sink that throws or rejects ends the read with its own error and closes the connection', async () => {
    const body = bytesOf(100_000);
    const { client, connections } = await serveOver((socket) =>
      socket.write(Buffer.concat([Buffer.from(head206(body.length)), body])),
    );
    const disk = new Error('disk full');
    const throwing: BodySink = { room: () => Buffer.alloc(1000), filled: () => Promise.reject(disk) };
    await expect((await client.request(GET, RULES)).pending!.readInto(throwing)).rejects.toBe(disk);
    const noRoom: BodySink = {
      room: () => {
        throw disk;
      },
      filled: () => undefined,
    };
    await expect((await client.request(GET, RULES)).pending!.readInto(noRoom)).rejects.toBe(disk);
    expect(connections()).toBe(2);
  });

  it('a dropped body closes its connection; the next request gets a new one', async () => {
    const { client, connections } = await serveOver((socket) => socket.write(head206(10) + '0123456789'));
    (await client.request(GET, RULES)).pending!.discard();
    await readAll(await client.request(GET, RULES), sinkOf(10));
    expect(connections()).toBe(2);
  });

  it('a kept-alive connection the server closed between requests costs no failed request', async () => {
    const { client, connections } = await serveOver((socket) => socket.end(head206(10) + '0123456789'));
    for (const n of [0, 1, 2]) {
      const sink = sinkOf(10);
      await readAll(await client.request(GET, RULES), sink);
      expect(sink.bytes().toString(), `request ${n}`).toBe('0123456789');
    }
    expect(connections()).toBe(3);
  });

  it('an abort at every point rejects with AbortError; the sink is never called after, nor left waiting', async () => {
    const body = bytesOf(400_000);
    const { client } = await serveOver((socket) => {
      socket.write(head206(body.length));
      setTimeout(() => socket.write(body.subarray(0, 100_000)), 5);
      setTimeout(() => socket.write(body.subarray(100_000)), 40);
    });
    const before = new AbortController();
    before.abort(new Error('stopped'));
    await expect(client.request(GET, RULES, before.signal)).rejects.toThrow();
    const inHead = new AbortController();
    const asked = client.request(GET, RULES, inHead.signal);
    inHead.abort();
    await expect(asked).rejects.toMatchObject({ name: 'AbortError' });
    // After the head, before the body is asked for: the body's read fails at once.
    const afterHead = new AbortController();
    const waiting = await client.request(GET, RULES, afterHead.signal);
    afterHead.abort();
    await expect(readAll(waiting, sinkOf(body.length))).rejects.toMatchObject({ name: 'AbortError' });
    // Mid-body, with the sink answering at once and with the sink's promise pending at the abort.
    for (const async of [[false], [true]]) {
      const midBody = new AbortController();
      const sink = sinkOf(body.length, [30_000], async, 30);
      const answer = await client.request(GET, RULES, midBody.signal);
      const read = readAll(answer, sink);
      setTimeout(() => midBody.abort(), 20);
      await expect(read).rejects.toMatchObject({ name: 'AbortError' });
      expect(sink.misuse).toEqual([]);
      expect(sink.bytes().equals(body.subarray(0, sink.bytes().length))).toBe(true);
    }
  });
});
