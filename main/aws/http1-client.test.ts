import { connect, createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';

import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { isCertificateError } from './certificate-errors';
import { AnswerReader, type AnswerRules, Http1Client, type Http1Tls } from './http1-client';
import { makeTestCertificates, type TestCertificate, type TestCertificates } from './testing/test-certificates';

// Invariant: a request either resolves with the whole answer the server sent (status, headers, and
// its body exactly, when the caller's limit allows its size) or fails with an error whose code the
// engine retries (ECONNRESET, ETIMEDOUT) or an AbortError; a connection is reused only after a whole
// answer with nothing after it, and a kept-alive connection the server closed in between costs no
// failed request. Faults: cut body, reset, stall, 500/503/HTML, chunked errors, a connection closed
// between requests, wrong Content-Length both ways, bytes after the answer, an abort mid-answer; all
// of them over plain HTTP and over TLS.
// Over TLS also: no answer is ever read from a server whose certificate is not trusted for the name
// (wrong host name, unknown CA, expired), and such a failure is not a network one (never retried);
// a handshake cut, refused, reset or stalled fails as a network error (retried); a new connection
// resumes the last TLS session.

/** What the server does with the n-th request (over all connections): writes, then maybe closes. */
type Script = (socket: Socket, request: number) => void;

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates();
});

let server: Server | undefined;
let client: Http1Client | undefined;
afterEach(async () => {
  client?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
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
 * A loopback server answering each request (one per empty-line-ended head) by `script`; counts
 * connections. Over https it presents `certificate` (the valid one by default); the script's socket
 * is then the TLS socket, its `resetAndDestroy` resetting the TCP connection below it.
 */
async function serve(
  script: Script,
  transport: Transport = 'http',
  certificate?: TestCertificate,
): Promise<{ client: Http1Client; connections: () => number; resumed: () => boolean[] }> {
  let requests = 0;
  let connections = 0;
  const resumed: boolean[] = [];
  const sockets = new Set<Socket>();
  // One context for the server's life: its session tickets are then good on its next connection.
  const secureContext = transport === 'https' ? createSecureContext(certificate ?? certs.valid) : undefined;
  server = createServer((raw) => {
    connections += 1;
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {});
    let socket: Socket = raw;
    if (transport === 'https') {
      const secure = new TLSSocket(raw, { isServer: true, secureContext: secureContext! });
      secure.on('error', () => {});
      secure.on('secure', () => resumed.push(secure.isSessionReused()));
      secure.resetAndDestroy = () => (raw.resetAndDestroy(), secure);
      socket = secure;
    }
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
        text = text.slice(end + 4);
        script(socket, requests++);
      }
    });
  });
  const closeAll = server.close.bind(server);
  server.close = ((done?: () => void) => {
    for (const s of sockets) s.destroy();
    return closeAll(done);
  }) as Server['close'];
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const tls = transport === 'https' ? { tls: tlsTarget() } : {};
  client = new Http1Client({ host: '127.0.0.1', port, ...tls }, { idleTimeoutMs: idleLimit(transport) });
  return { client, connections: () => connections, resumed: () => resumed };
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

describe('Http1Client over TLS: certificates and handshakes', () => {
  const extra: Server[] = [];
  afterEach(async () => {
    for (const s of extra.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  /** A loopback TCP server doing `onConnection` with each raw connection (no TLS of its own). */
  async function rawServer(onConnection: (socket: Socket) => void): Promise<number> {
    const sockets = new Set<Socket>();
    const raw = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      onConnection(socket);
    });
    const closeAll = raw.close.bind(raw);
    raw.close = ((done?: () => void) => {
      for (const s of sockets) s.destroy();
      return closeAll(done);
    }) as Server['close'];
    extra.push(raw);
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    return (raw.address() as { port: number }).port;
  }

  const clientOn = (port: number, tls = tlsTarget()) =>
    (client = new Http1Client({ host: '127.0.0.1', port, tls }, { idleTimeoutMs: idleLimit('https') }));

  it.each([
    ['for another host name', 'wrongName', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['issued by a CA the client does not trust', 'untrusted', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['expired', 'expired', 'CERT_HAS_EXPIRED'],
  ] as const)(
    'a certificate %s is refused before a request is sent, and not as a network failure',
    async (_what, which, code) => {
      let requests = 0;
      const { client } = await serve(() => (requests += 1), 'https', certs[which]);
      const error = await client.request(GET, upTo(100)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code });
      expect(isCertificateError(error)).toBe(true);
      expect(requests).toBe(0);
    },
  );

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off', async () => {
    const { client } = await serve((socket) => socket.write(ok('never')), 'https', certs.untrusted);
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      await expect(client.request(GET, upTo(100))).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
  });

  it("without a CA of its own the client trusts Node's roots only: the test CA's certificate is refused", async () => {
    const { client: trusting } = await serve((socket) => socket.write(ok('x')), 'https');
    expect((await trusting.request(GET, upTo(100))).body?.toString()).toBe('x');
    const { port } = server!.address() as { port: number };
    await expect(clientOn(port, { servername: '127.0.0.1' }).request(GET, upTo(100))).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('a connection closed before the handshake fails with ECONNRESET (retried)', async () => {
    const port = await rawServer((socket) => socket.destroy());
    await expect(clientOn(port).request(GET, upTo(100))).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('a server silent in the handshake fails with ETIMEDOUT (idle limit), and an abort there with AbortError', async () => {
    const port = await rawServer(() => {});
    await expect(clientOn(port).request(GET, upTo(100))).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    const controller = new AbortController();
    const pending = client!.request(GET, upTo(100), controller.signal);
    setTimeout(() => controller.abort(new Error('stop')), 30);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it.each(['closed', 'reset'] as const)(
    'a handshake %s partway (after the first bytes of the server hello) fails with ECONNRESET',
    async (how) => {
      await serve((socket) => socket.write(ok('never')), 'https');
      const { port: backend } = server!.address() as { port: number };
      const port = await rawServer((socket) => {
        const upstream = connect({ host: '127.0.0.1', port: backend });
        upstream.on('error', () => {});
        socket.on('close', () => upstream.destroy());
        socket.pipe(upstream);
        upstream.once('data', (chunk: Buffer) => {
          socket.write(chunk.subarray(0, Math.min(40, chunk.length - 1)));
          if (how === 'reset') socket.resetAndDestroy();
          else socket.end();
          upstream.destroy();
        });
      });
      await expect(clientOn(port).request(GET, upTo(100))).rejects.toMatchObject({ code: 'ECONNRESET' });
    },
  );

  it('a new connection resumes the last TLS session', async () => {
    const { client, connections, resumed } = await serve((socket, n) => socket.write(ok(`answer ${n}`)), 'https');
    expect((await client.request(GET, upTo(100))).body?.toString()).toBe('answer 0');
    client.close(); // no idle connection left: the next request connects again
    expect((await client.request(GET, upTo(100))).body?.toString()).toBe('answer 1');
    expect(connections()).toBe(2);
    expect(resumed()).toEqual([false, true]);
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
