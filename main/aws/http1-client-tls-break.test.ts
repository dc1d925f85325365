import { createServer, type Server, type TLSSocket } from 'node:tls';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type AnswerRules, Http1Client, type Http1Tls } from './http1-client';
import { makeTestCertificates, type TestCertificate, type TestCertificates } from './testing/test-certificates';

// Break-it review of the HTTP/1.1 client's TLS (5d53267, e42c940). The remote end is untrusted.
// Invariant: not one byte of a request (its head carries the SSE-C key and the signature) reaches a
// server before its certificate is verified for the endpoint's name, on every connection; a
// wildcard certificate covers one label only; a socket goes back to the pool only after a whole
// answer on a verified connection that the server did not ask to close.

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates();
});

let server: Server | undefined;
let client: Http1Client | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const SECRET = 'x-amz-server-side-encryption-customer-key: c2VjcmV0LWtleS1vZi10aGUtdXNlcg==';
const GET = `GET /b/k HTTP/1.1\r\nhost: x\r\n${SECRET}\r\n\r\n`;
const upTo = (size: number): AnswerRules => ({ bodyLimit: () => size });
const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

/**
 * A TLS server presenting `certificate`, answering every request head with `answer(n)`; records every
 * byte it decrypts and every connection (a client that refuses the certificate must leave `received` empty).
 */
async function tlsServer(certificate: TestCertificate, answer: (n: number) => string = (n) => ok(`answer ${n}`)) {
  let received = '';
  let requests = 0;
  const connections: TLSSocket[] = [];
  server = createServer(certificate, (socket) => {
    connections.push(socket);
    socket.on('error', () => {});
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      text += chunk.toString('latin1');
      for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
        text = text.slice(end + 4);
        socket.write(answer(requests++));
      }
    });
  });
  const closeAll = server.close.bind(server);
  server.close = ((done?: () => void) => {
    for (const s of connections) s.destroy();
    return closeAll(done);
  }) as Server['close'];
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, received: () => received, connections: () => connections.length };
}

const clientOn = (port: number, tls: Http1Tls) =>
  (client = new Http1Client({ host: '127.0.0.1', port, tls }, { idleTimeoutMs: 2_000 }));

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as { code?: string },
  );

describe('Http1Client TLS, broken on purpose', () => {
  it.each(['wrongName', 'untrusted', 'expired'] as const)(
    'a %s certificate: not one byte of the request (its SSE-C key) reaches the server',
    async (which) => {
      const { port, received } = await tlsServer(certs[which]);
      const error = await failure(clientOn(port, { servername: '127.0.0.1', ca: [certs.ca] }).request(GET, upTo(100)));
      expect(error?.code).toMatch(/ALTNAME|VERIFY|EXPIRED/);
      expect(received()).toBe('');
    },
  );

  it('a wildcard certificate (*.s3.test, as *.s3.amazonaws.com) covers one label: not a deeper name, nor the parent', async () => {
    const { port } = await tlsServer(certs.wildcard);
    const trusted = (servername: string) =>
      new Http1Client({ host: '127.0.0.1', port, tls: { servername, ca: [certs.ca] } }, { idleTimeoutMs: 2_000 });
    const one = trusted('bucket.s3.test');
    expect((await one.request(GET, upTo(100))).body?.toString()).toBe('answer 0');
    one.close();
    for (const name of ['a.bucket.s3.test', 's3.test', 'bucket.s3.test.evil']) {
      const other = trusted(name);
      expect((await failure(other.request(GET, upTo(100))))?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      other.close();
    }
  });

  it('an IP-address endpoint whose certificate names a host only is refused', async () => {
    const { port, received } = await tlsServer(certs.wildcard);
    const error = await failure(clientOn(port, { servername: '127.0.0.1', ca: [certs.ca] }).request(GET, upTo(100)));
    expect(error?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(received()).toBe('');
  });

  it('an answer with Connection: close is not pooled: the next request takes a new, verified connection', async () => {
    const { port, connections } = await tlsServer(certs.valid, (n) => ok(`answer ${n}`, 'Connection: close\r\n'));
    const c = clientOn(port, { servername: '127.0.0.1', ca: [certs.ca] });
    expect((await c.request(GET, upTo(100))).body?.toString()).toBe('answer 0');
    expect((await c.request(GET, upTo(100))).body?.toString()).toBe('answer 1');
    expect(connections()).toBe(2);
  });

  it('a refused handshake leaves nothing in the pool and no session: the next request is refused again', async () => {
    const { port, received } = await tlsServer(certs.untrusted);
    const c = clientOn(port, { servername: '127.0.0.1', ca: [certs.ca] });
    for (let i = 0; i < 3; i++) expect((await failure(c.request(GET, upTo(100))))?.code).toMatch(/VERIFY/);
    expect(received()).toBe('');
  });
});

describe('Http1Client TLS: what the server asks after the handshake', () => {
  /** A TLS 1.2 server (1.3 has no renegotiation) that asks to renegotiate before answering each request. */
  async function renegotiating() {
    let renegotiated = false;
    server = createServer({ ...certs.valid, maxVersion: 'TLSv1.2' }, (socket) => {
      socket.on('error', () => {});
      socket.once('data', () => {
        socket.renegotiate({}, (error) => {
          if (error) return void socket.destroy();
          renegotiated = true;
          socket.write(ok('after renegotiation'));
        });
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { port, renegotiated: () => renegotiated };
  }

  it('a renegotiation (whose certificate Node would not check again) is refused: no answer comes over it', async () => {
    const { port, renegotiated } = await renegotiating();
    const error = await failure(clientOn(port, { servername: '127.0.0.1', ca: [certs.ca] }).request(GET, upTo(100)));
    expect(renegotiated()).toBe(false);
    expect(error?.code).toMatch(/^(ECONNRESET|ETIMEDOUT|EPROTO|ERR_SSL_.*)$/);
  });

  it.each([
    ['offers only h2', { ALPNProtocols: ['h2'] }],
    ['picks h2, which the client did not offer', { ALPNCallback: () => 'h2' }],
  ])('a server that %s: the handshake fails, nothing is read as HTTP/1.1', async (_what, alpn) => {
    server = createServer({ ...certs.valid, ...alpn }, (socket) => {
      socket.on('error', () => {});
      socket.on('data', () => socket.write(ok('never')));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const error = await failure(clientOn(port, { servername: '127.0.0.1', ca: [certs.ca] }).request(GET, upTo(100)));
    expect(error?.code).toMatch(/^(ECONNRESET|EPROTO)$/);
  });
});

describe('Http1Client TLS sessions', () => {
  it("a client for another name (another endpoint) on the same server never resumes the first client's session", async () => {
    const resumed: boolean[] = [];
    server = createServer(certs.valid, (socket) => {
      resumed.push(socket.isSessionReused());
      socket.on('error', () => {});
      socket.on('data', () => socket.write(ok('answer')));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const first = clientOn(port, { servername: '127.0.0.1', ca: [certs.ca] });
    await first.request(GET, upTo(100));
    first.close();
    await first.request(GET, upTo(100)); // the same client resumes its own session
    first.close();
    // 'localhost' is on the same certificate: only a session shared across clients could resume here.
    const other = new Http1Client(
      { host: '127.0.0.1', port, tls: { servername: 'localhost', ca: [certs.ca] } },
      { idleTimeoutMs: 2_000 },
    );
    await other.request(GET, upTo(100));
    other.close();
    expect(resumed).toEqual([false, true, false]);
  });
});
