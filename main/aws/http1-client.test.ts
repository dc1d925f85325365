import { createServer } from 'node:net';

import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { AnswerReader, type AnswerRules, Http1Client, type Http1Tls } from './http1-client';
import { type Script, type ScriptedServer, scriptedServer } from './testing/scripted-http-server';
import { makeTestCertificates, type TestCertificates } from './testing/test-certificates';

// Invariant: a request either resolves with the whole answer the server sent (status, headers, and
// its body exactly, when the caller's limit allows its size) or fails with an error whose code the
// engine retries (ECONNRESET, ETIMEDOUT) or an AbortError; a connection is reused only after a whole
// answer with nothing after it, and a kept-alive connection the server closed in between costs no
// failed request. Faults: cut body, reset, stall, 500/503/HTML, chunked errors, a connection closed
// between requests, wrong Content-Length both ways, bytes after the answer, an abort mid-answer; all
// of them over plain HTTP and over TLS.
// Certificates, handshakes and sessions over TLS: http1-client-tls-break.test.ts (both lean clients).

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates();
});

let server: ScriptedServer | undefined;
let client: Http1Client | undefined;
afterEach(async () => {
  client?.close();
  await server?.close();
  server = undefined;
});

type Transport = 'http' | 'https';

/**
 * The client's idle limit: short, as the stall tests wait it out; longer over TLS, whose handshakes on a
 * machine loaded by other work (load 40 on 2 cores seen) could otherwise pass for a silent server.
 */
const idleLimit = (transport: Transport) => (transport === 'https' ? 1_000 : 300);

/** What the client trusts over TLS: the test CA, for the name 127.0.0.1. */
const tlsTarget = (): Http1Tls => ({ servername: '127.0.0.1', ca: [certs.ca] });

/**
 * A loopback server answering each request by `script` (see scriptedServer; over https with the valid
 * test certificate), and a client to it.
 */
async function serve(
  script: Script,
  transport: Transport = 'http',
): Promise<{ client: Http1Client; connections: () => number }> {
  server = await scriptedServer(script, transport === 'https' ? certs.valid : undefined);
  const tls = transport === 'https' ? { tls: tlsTarget() } : {};
  client = new Http1Client({ host: '127.0.0.1', port: server.port, ...tls }, { idleTimeoutMs: idleLimit(transport) });
  return { client, connections: server.connections };
}

const GET = 'GET /b/k HTTP/1.1\r\nhost: x\r\n\r\n';
const upTo = (size: number): AnswerRules => ({ bodyLimit: () => size });
const ok = (body: string, extra = '') =>
  `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\nETag: "e"\r\n${extra}\r\n${body}`;

describe.each<Transport>(['http', 'https'])('Http1Client against a loopback server over %s', (transport) => {
  const serveOver = (script: Script) => serve(script, transport);

  it('reads whole answers and reuses the connection for the next request', async () => {
    const { client, connections } = await serveOver((socket, n) =>
      socket.write(ok(`body ${n}`, 'x-amz-meta-a: 1\r\n')),
    );
    for (const n of [0, 1, 2]) {
      const answer = await client.request(GET, upTo(1024));
      expect(answer.status).toBe(200);
      expect(answer.headers).toMatchObject({ etag: '"e"', 'x-amz-meta-a': '1' });
      expect(answer.body?.toString()).toBe(`body ${n}`);
    }
    expect(connections()).toBe(1);
  });

  it('a body cut by the server fails with ECONNRESET, and the next request gets a new connection', async () => {
    const { client, connections } = await serveOver((socket, n) => {
      if (n === 0) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345');
      else socket.write(ok('whole'));
    });
    await expect(client.request(GET, upTo(1024))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await client.request(GET, upTo(1024))).body?.toString()).toBe('whole');
    expect(connections()).toBe(2);
  });

  it('a reset connection fails with ECONNRESET', async () => {
    const { client } = await serveOver((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n123');
      setImmediate(() => socket.resetAndDestroy());
    });
    await expect(client.request(GET, upTo(1024))).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it.each([
    ['before the head', ''],
    ['after the head', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'],
    ['mid-body (a Content-Length above what comes)', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n1234'],
  ])('a server that stalls %s fails with ETIMEDOUT (idle limit)', async (_when, sent) => {
    const { client } = await serveOver((socket) => sent && socket.write(sent));
    await expect(client.request(GET, upTo(1024))).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it.each([
    [
      500,
      'application/xml',
      '<Error><Code>InternalError</Code><Message>We encountered an internal error</Message></Error>',
    ],
    [503, 'application/xml', '<Error><Code>SlowDown</Code><Message>Reduce your request rate</Message></Error>'],
    [403, 'text/html', '<html><body>Captive portal: sign in</body></html>'],
  ])('a %i answer comes back with its body (%s)', async (status, type, body) => {
    const { client, connections } = await serveOver((socket) =>
      socket.write(`HTTP/1.1 ${status} X\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n${body}`),
    );
    for (let i = 0; i < 2; i++) {
      const answer = await client.request(GET, upTo(1024));
      expect(answer).toMatchObject({ status, headers: { 'content-type': type } });
      expect(answer.body?.toString()).toBe(body);
    }
    expect(connections()).toBe(1);
  });

  it('a chunked error body is decoded, and the connection is reused', async () => {
    const { client, connections } = await serveOver((socket) =>
      socket.write(
        'HTTP/1.1 503 Slow Down\r\nTransfer-Encoding: chunked\r\n\r\n7;ext=1\r\n<Error>\r\n8\r\n</Error>\r\n0\r\nX-Trailer: t\r\n\r\n',
      ),
    );
    for (let i = 0; i < 2; i++) {
      expect((await client.request(GET, upTo(1024))).body?.toString()).toBe('<Error></Error>');
    }
    expect(connections()).toBe(1);
  });

  it('a kept-alive connection the server closed between requests costs no failed request', async () => {
    let closed: Promise<void> | undefined;
    const { client, connections } = await serveOver((socket, n) => {
      socket.write(ok(`answer ${n}`));
      if (n % 2 === 0) {
        // Closes after the answer, while the connection waits in the client's pool for the next request.
        closed = new Promise((resolve) => socket.once('close', () => resolve()));
        setTimeout(() => socket.end(), 20);
      }
    });
    for (const n of [0, 1, 2, 3]) {
      expect((await client.request(GET, upTo(1024))).body?.toString()).toBe(`answer ${n}`);
      // The next request goes out once the close has reached the client (closed on both sides means
      // the client answered the server's end), not after a guessed delay: at load 40 a request sent
      // 60 ms after the close could still meet the closing connection and take the next answer's number.
      await closed;
      closed = undefined;
    }
    expect(connections()).toBe(3);
  });

  it('a reused connection closed as the request goes out: once more on a new one; a new one closed: ECONNRESET', async () => {
    const { client, connections } = await serveOver((socket, n) => {
      if (n === 1 || n === 3) {
        socket.destroy();
      } // the request met a connection the server was closing
      else socket.write(ok(`answer ${n}`));
    });
    expect((await client.request(GET, upTo(1024))).body?.toString()).toBe('answer 0');
    expect((await client.request(GET, upTo(1024))).body?.toString()).toBe('answer 2');
    expect(connections()).toBe(2);
    client.close(); // no idle connection: the next request's is new, and its close is the request's failure
    await expect(client.request(GET, upTo(1024))).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('a Content-Length above the limit: the head alone, the body not read, the connection closed', async () => {
    let closed = false;
    const { client, connections } = await serveOver((socket, n) => {
      socket.on('close', () => (closed = true));
      if (n === 0) socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n${'x'.repeat(1000)}`);
      else socket.write(ok('next'));
    });
    const answer = await client.request(GET, upTo(100));
    expect(answer).toMatchObject({ status: 200, headers: { 'content-length': String(64 * 1024 * 1024) } });
    expect(answer.body).toBeUndefined();
    expect((await client.request(GET, upTo(100))).body?.toString()).toBe('next');
    expect(connections()).toBe(2);
    expect(closed).toBe(true);
  });

  it('a body longer than its Content-Length: the announced bytes, and the connection is not reused', async () => {
    const { client, connections } = await serveOver((socket, n) =>
      socket.write(n === 0 ? 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef' : ok('next')),
    );
    expect((await client.request(GET, upTo(100))).body?.toString()).toBe('abc');
    expect((await client.request(GET, upTo(100))).body?.toString()).toBe('next');
    expect(connections()).toBe(2);
  });

  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH_9.2\r\n\r\n'],
    ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n'],
    ['an interim answer', 'HTTP/1.1 100 Continue\r\n\r\n'],
    ['a head without its end past 64 KiB', `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70_000)}`],
  ])('%s fails with ECONNRESET (retried), never an answer', async (_what, sent) => {
    const { client } = await serveOver((socket) => socket.write(sent));
    await expect(client.request(GET, upTo(100))).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('an answer framed by the connection end is whole only on a clean end', async () => {
    const { client } = await serveOver((socket, n) => {
      socket.write('HTTP/1.1 200 OK\r\n\r\nsome bytes');
      if (n === 0) socket.end();
      else setTimeout(() => socket.resetAndDestroy(), 30);
    });
    expect((await client.request(GET, upTo(100))).body?.toString()).toBe('some bytes');
    await expect(client.request(GET, upTo(100))).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('an abort mid-answer rejects with AbortError and drops the connection', async () => {
    const controller = new AbortController();
    const { client, connections } = await serveOver((socket, n) => {
      // The abort comes once part of the answer is on its way, not after a guessed delay.
      const stop = () => controller.abort(new Error('stop'));
      socket.write(
        n === 0 ? 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12' : ok('after'),
        n === 0 ? stop : undefined,
      );
    });
    const pending = client.request(GET, upTo(100), controller.signal);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect((await client.request(GET, upTo(100))).body?.toString()).toBe('after');
    expect(connections()).toBe(2);
  });

  it('a refused connection fails with its own code', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const tls = transport === 'https' ? { tls: tlsTarget() } : {};
    client = new Http1Client({ host: '127.0.0.1', port, ...tls }, { idleTimeoutMs: idleLimit(transport) });
    await expect(client.request(GET, upTo(100))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('AnswerReader', () => {
  /** An answer as a server could frame it. */
  const answers = fc.record({
    status: fc.constantFrom(200, 206, 400, 403, 404, 500, 503),
    headers: fc.array(
      fc.tuple(
        fc.stringMatching(/^x-amz-meta-[a-z0-9-]{1,12}$/),
        fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?$/),
      ),
      { maxLength: 5 },
    ),
    body: fc.uint8Array({ maxLength: 3000 }),
    framing: fc.constantFrom('length', 'chunked', 'close'),
    chunkSizes: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
    cuts: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 40 }),
  });

  function frame(a: {
    status: number;
    headers: Array<[string, string]>;
    body: Uint8Array;
    framing: string;
    chunkSizes: number[];
  }): Buffer {
    const lines = [`HTTP/1.1 ${a.status} Whatever`, ...a.headers.map(([n, v]) => `${n}: ${v}`)];
    const body = Buffer.from(a.body);
    if (a.framing === 'length') lines.push(`Content-Length: ${body.length}`);
    if (a.framing === 'chunked') lines.push('Transfer-Encoding: chunked');
    const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    if (a.framing !== 'chunked') return Buffer.concat([head, body]);
    const parts: Buffer[] = [head];
    for (let at = 0, i = 0; at < body.length; i++) {
      const size = Math.min(a.chunkSizes[i % a.chunkSizes.length]!, body.length - at);
      parts.push(Buffer.from(`${size.toString(16)}\r\n`), body.subarray(at, at + size), Buffer.from('\r\n'));
      at += size;
    }
    parts.push(Buffer.from('0\r\n\r\n'));
    return Buffer.concat(parts);
  }

  it('reads the same answer however the bytes are split into reads (seed 42)', () => {
    fc.assert(
      fc.property(answers, (a) => {
        const bytes = frame(a);
        const reader = new AnswerReader({ bodyLimit: () => 4096 });
        let done: ReturnType<AnswerReader['push']>;
        let at = 0;
        for (let i = 0; at < bytes.length; i++) {
          expect(done).toBeUndefined(); // never an answer before its last byte
          const next = Math.min(bytes.length, at + a.cuts[i % a.cuts.length]!);
          done = reader.push(bytes.subarray(at, next));
          at = next;
        }
        const answer = done?.answer ?? reader.end();
        expect(answer?.status).toBe(a.status);
        expect(Buffer.from(answer!.body!)).toEqual(Buffer.from(a.body));
        for (const [name, value] of a.headers) expect(answer!.headers[name]).toContain(value);
        if (a.framing === 'close') expect(done).toBeUndefined();
        else expect(done?.reusable).toBe(true);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('a body past the limit without a Content-Length fails, whatever its framing (seed 42)', () => {
    fc.assert(
      fc.property(answers, fc.integer({ min: 0, max: 2999 }), (a, limit) => {
        fc.pre(a.framing !== 'length' && a.body.length > limit);
        const reader = new AnswerReader({ bodyLimit: () => limit });
        expect(() => reader.push(frame(a))).toThrow(/longer than/);
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});
