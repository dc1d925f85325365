import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { isCertificateError } from './certificate-errors';
import { type AnswerRules, Http1Client } from './http1-client';
import type { Http1Target, Http1Tls } from './http1-connector';
import { Http1DirectClient } from './http1-direct-client';
import { isProtocolMismatch, looksLikeHttp2 } from './protocol-mismatch';
import { type ScriptedServer, scriptedServer, type ScriptedTls } from './testing/scripted-http-server';
import { makeTestCertificates, type TestCertificates } from './testing/test-certificates';

// Break-it review of the lean HTTP/1.1 clients' TLS (5d53267, e42c940; the direct client's since it
// speaks TLS too, issue 16). Both clients open their connections through `http1-connector.ts`; every
// test runs on each. The remote end is untrusted.
// Invariant: not one byte of a request (its head carries the SSE-C key and the signature) reaches a
// server before its certificate is verified for the endpoint's name, on every connection, whatever
// NODE_TLS_REJECT_UNAUTHORIZED says; a refused certificate is not a network failure (never retried);
// a wildcard certificate covers one label only; no renegotiation, no protocol but HTTP/1.1; a
// handshake cut, reset or stalled fails as a network error (retried); a socket goes back to the pool
// only after a whole answer on a verified connection that the server did not ask to close; a TLS
// session is resumed by the client it came from only.

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates();
});

/** One GET as these tests send it, its answer's status and body as text. */
interface LeanClient {
  request(signal?: AbortSignal): Promise<{ status: number; body: string | undefined }>;
  close(): void;
}

type Kind = 'Http1Client' | 'Http1DirectClient';

const SECRET = 'x-amz-server-side-encryption-customer-key: c2VjcmV0LWtleS1vZi10aGUtdXNlcg==';
const GET = `GET /b/k HTTP/1.1\r\nhost: x\r\n${SECRET}\r\n\r\n`;
const upTo = (size: number): AnswerRules => ({ bodyLimit: () => size });
const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

/** A client of `kind` to `target`; the direct client reads a 200's body through a sink, as ranged GETs do. */
function leanClient(kind: Kind, target: Http1Target, idleTimeoutMs = 2_000): LeanClient {
  if (kind === 'Http1Client') {
    const client = new Http1Client(target, { idleTimeoutMs });
    return {
      request: async (signal) => {
        const answer = await client.request(GET, upTo(100), signal);
        return { status: answer.status, body: answer.body?.toString() };
      },
      close: () => client.close(),
    };
  }
  const client = new Http1DirectClient(target, { idleTimeoutMs });
  return {
    request: async (signal) => {
      const answer = await client.request(GET, { direct: (status) => status === 200, bodyLimit: () => 100 }, signal);
      if (!answer.pending) return { status: answer.status, body: answer.body?.toString() };
      const body = Buffer.alloc(answer.pending.length);
      let at = 0;
      await answer.pending.readInto({ room: () => body.subarray(at), filled: (bytes) => void (at += bytes) });
      return { status: answer.status, body: body.toString() };
    },
    close: () => client.close(),
  };
}

let scripted: ScriptedServer | undefined;
const raws: TcpServer[] = [];
const clients: LeanClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await scripted?.close();
  scripted = undefined;
  for (const raw of raws.splice(0)) await new Promise<void>((resolve) => raw.close(() => resolve()));
});

/**
 * A TLS server (see scriptedServer) presenting `tls`, answering every request head with `answer(n)`;
 * records every byte it decrypts and every connection (a client that refuses the certificate must
 * leave `received` empty).
 */
async function tlsServer(tls: ScriptedTls, answer: (n: number) => string | Buffer = (n) => ok(`answer ${n}`)) {
  scripted = await scriptedServer((socket, n) => socket.write(answer(n)), tls);
  return scripted;
}

/** A loopback TCP server doing `onConnection` with each raw connection (no TLS of its own). */
async function rawServer(onConnection: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const raw = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  const closeAll = raw.close.bind(raw);
  raw.close = ((done?: () => void) => {
    for (const s of sockets) s.destroy();
    return closeAll(done);
  }) as TcpServer['close'];
  raws.push(raw);
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  return (raw.address() as { port: number }).port;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as { code?: string; name?: string },
  );

/** What the clients trust: the test CA, for the name 127.0.0.1. */
const trusting = (): Http1Tls => ({ servername: '127.0.0.1', ca: [certs.ca] });

describe.each<Kind>(['Http1Client', 'Http1DirectClient'])('%s TLS, broken on purpose', (kind) => {
  /** A client of this kind to loopback `port` over TLS; a longer idle limit where a test is not about it. */
  const clientOn = (port: number, tls: Http1Tls = trusting(), idleTimeoutMs?: number) => {
    const client = leanClient(kind, { host: '127.0.0.1', port, tls }, idleTimeoutMs);
    clients.push(client);
    return client;
  };

  it.each([
    ['for another host name', 'wrongName', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['issued by a CA the client does not trust', 'untrusted', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['expired', 'expired', 'CERT_HAS_EXPIRED'],
  ] as const)(
    'a certificate %s: not one byte of the request (its SSE-C key) reaches the server, and it is no network failure',
    async (_what, which, code) => {
      const { port, received } = await tlsServer(certs[which]);
      const error = await failure(clientOn(port).request());
      expect(error).toMatchObject({ code });
      expect(isCertificateError(error)).toBe(true);
      expect(received()).toBe('');
    },
  );

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn verification off', async () => {
    const { port, received } = await tlsServer(certs.untrusted);
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      expect((await failure(clientOn(port).request()))?.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
    expect(received()).toBe('');
  });

  it("without a CA of its own the client trusts Node's roots only: the test CA's certificate is refused", async () => {
    const { port } = await tlsServer(certs.valid);
    expect((await clientOn(port).request()).body).toBe('answer 0');
    expect((await failure(clientOn(port, { servername: '127.0.0.1' }).request()))?.code).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
  });

  it('a wildcard certificate (*.s3.test, as *.s3.amazonaws.com) covers one label: not a deeper name, nor the parent', async () => {
    const { port } = await tlsServer(certs.wildcard);
    expect((await clientOn(port, { servername: 'bucket.s3.test', ca: [certs.ca] }).request()).body).toBe('answer 0');
    for (const name of ['a.bucket.s3.test', 's3.test', 'bucket.s3.test.evil']) {
      const error = await failure(clientOn(port, { servername: name, ca: [certs.ca] }).request());
      expect(error?.code, name).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    }
  });

  it('an IP-address endpoint whose certificate names a host only is refused', async () => {
    const { port, received } = await tlsServer(certs.wildcard);
    expect((await failure(clientOn(port).request()))?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(received()).toBe('');
  });

  it('an answer with Connection: close is not pooled: the next request takes a new, verified connection', async () => {
    const { port, connections } = await tlsServer(certs.valid, (n) => ok(`answer ${n}`, 'Connection: close\r\n'));
    const client = clientOn(port);
    expect((await client.request()).body).toBe('answer 0');
    expect((await client.request()).body).toBe('answer 1');
    expect(connections()).toBe(2);
  });

  it('a refused handshake leaves nothing in the pool and no session: the next request is refused again', async () => {
    const { port, received } = await tlsServer(certs.untrusted);
    const client = clientOn(port);
    for (let i = 0; i < 3; i++) expect((await failure(client.request()))?.code).toMatch(/VERIFY/);
    expect(received()).toBe('');
  });

  it('a connection closed before the handshake fails with ECONNRESET (retried)', async () => {
    const port = await rawServer((socket) => socket.destroy());
    expect((await failure(clientOn(port).request()))?.code).toBe('ECONNRESET');
  });

  it('a server silent in the handshake fails with ETIMEDOUT (idle limit), and an abort there with AbortError', async () => {
    const port = await rawServer(() => {});
    const client = clientOn(port, trusting(), 1_000);
    expect((await failure(client.request()))?.code).toBe('ETIMEDOUT');
    const controller = new AbortController();
    const pending = client.request(controller.signal);
    setTimeout(() => controller.abort(new Error('stop')), 30);
    expect((await failure(pending))?.name).toBe('AbortError');
  });

  it.each(['closed', 'reset'] as const)(
    'a handshake %s partway (after the first bytes of the server hello) fails with ECONNRESET',
    async (how) => {
      const { port: backend } = await tlsServer(certs.valid);
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
      expect((await failure(clientOn(port).request()))?.code).toBe('ECONNRESET');
    },
  );
});

describe.each<Kind>(['Http1Client', 'Http1DirectClient'])(
  '%s TLS: what the server asks after the handshake',
  (kind) => {
    const clientOn = (port: number) => {
      const client = leanClient(kind, { host: '127.0.0.1', port, tls: trusting() });
      clients.push(client);
      return client;
    };

    /** A TLS 1.2 server (1.3 has no renegotiation) that asks to renegotiate before answering each request. */
    async function renegotiating() {
      let renegotiated = false;
      scripted = await scriptedServer(
        (socket) =>
          (socket as TLSSocket).renegotiate({}, (error) => {
            if (error) return void socket.destroy();
            renegotiated = true;
            socket.write(ok('after renegotiation'));
          }),
        { ...certs.valid, maxVersion: 'TLSv1.2' },
      );
      return { port: scripted.port, renegotiated: () => renegotiated };
    }

    it('a renegotiation (whose certificate Node would not check again) is refused: no answer comes over it', async () => {
      const { port, renegotiated } = await renegotiating();
      const error = await failure(clientOn(port).request());
      expect(renegotiated()).toBe(false);
      expect(error?.code).toMatch(/^(ECONNRESET|ETIMEDOUT|EPROTO|ERR_SSL_.*)$/);
    });

    // A server that will not speak HTTP/1.1 fails the request as a protocol mismatch, which nothing
    // retries (the sync's retry: s3-client-tls.test.ts), never as a network failure (was ECONNRESET or
    // EPROTO: "S3 refused a request … check the bucket policy"); with ALPN refused, nothing is sent.
    it.each([
      ['offers only h2 in ALPN', { ALPNProtocols: ['h2'] }],
      ['rejects every protocol the client offers', { ALPNCallback: () => undefined }],
    ])('a server that %s: a protocol mismatch, said as such, and nothing sent', async (_what, alpn) => {
      const { port, received } = await tlsServer({ ...certs.valid, ...alpn });
      const error = await failure(clientOn(port).request());
      expect(error).toMatchObject({
        code: 'PROTOCOL_MISMATCH',
        message:
          'the endpoint will not speak HTTP/1.1 (it sent the TLS alert no_application_protocol: no HTTP/1.1 in its ALPN list)',
      });
      expect(isProtocolMismatch(error)).toBe(true);
      expect(received()).toBe('');
    });

    it('a server answering in HTTP/2 frames (no ALPN: HTTP/2 with prior knowledge): a protocol mismatch', async () => {
      // An empty SETTINGS frame, then GOAWAY (PROTOCOL_ERROR): what an HTTP/2 server says to an HTTP/1.1 request.
      const frames = Buffer.from('000000040000000000' + '000008070000000000' + '0000000000000001', 'hex');
      const { port } = await tlsServer(certs.valid, () => frames);
      const error = await failure(clientOn(port).request());
      expect(error).toMatchObject({ code: 'PROTOCOL_MISMATCH', message: expect.stringContaining('HTTP/2 frames') });
    });
  },
);

describe('an HTTP/2 frame header', () => {
  it('is never read in an HTTP/1.x answer', () => {
    for (const line of ['HTTP/1.1 200 OK\r\n', 'HTTP/1.0 404 Not Found\r\n', 'HTTP/1.1 100 Continue\r\n']) {
      expect(looksLikeHttp2(Buffer.from(line, 'latin1'))).toBe(false);
    }
  });
});

describe.each<Kind>(['Http1Client', 'Http1DirectClient'])('%s TLS sessions', (kind) => {
  it('a new connection resumes the last session; a client for another name on the same server never does', async () => {
    scripted = await scriptedServer((socket, n) => socket.write(ok(`answer ${n}`)), certs.valid);
    const on = (servername: string) => {
      const client = leanClient(kind, { host: '127.0.0.1', port: scripted!.port, tls: { servername, ca: [certs.ca] } });
      clients.push(client);
      return client;
    };
    const first = on('127.0.0.1');
    expect((await first.request()).body).toBe('answer 0');
    first.close(); // no idle connection left: the next request connects again
    expect((await first.request()).body).toBe('answer 1');
    first.close();
    // 'localhost' is on the same certificate: only a session shared across clients could resume here.
    const other = on('localhost');
    expect((await other.request()).body).toBe('answer 2');
    expect(scripted.connections()).toBe(3);
    expect(scripted.resumed()).toEqual([false, true, false]);
  });
});
