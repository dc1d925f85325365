import { createServer, type Socket } from 'node:net';
import { createSecureContext, type SecureContextOptions, TLSSocket, type TLSSocketOptions } from 'node:tls';

/** What the server does with the n-th request (over all connections): writes, then maybe closes. */
export type Script = (socket: Socket, request: number) => void;

/**
 * How a {@link scriptedServer} speaks TLS: its certificate (a `TestCertificate`) and context options
 * (`maxVersion`…), and what it says in ALPN.
 */
export type ScriptedTls = SecureContextOptions & Pick<TLSSocketOptions, 'ALPNProtocols' | 'ALPNCallback'>;

/** A running {@link scriptedServer}. */
export interface ScriptedServer {
  port: number;
  /** Connections accepted so far (TCP: a handshake the client refused counts too). */
  connections: () => number;
  /** Every byte of every request read so far (decrypted over TLS): a client that refused the server leaves it ''. */
  received: () => string;
  /** Over TLS: whether each handshake resumed a session, in order. */
  resumed: () => boolean[];
  /** Stops listening and ends every open connection. */
  close: () => Promise<void>;
}

/**
 * A loopback TCP server for the lean HTTP/1.1 clients' fault tests: it answers each request (one
 * per empty-line-ended head) by `script`, raw bytes as a broken server would send them. With `tls`,
 * over TLS: the script's socket is then the TLS socket, its `resetAndDestroy` resetting the TCP
 * connection below it.
 */
export async function scriptedServer(script: Script, tls?: ScriptedTls): Promise<ScriptedServer> {
  let requests = 0;
  let connections = 0;
  let received = '';
  const resumed: boolean[] = [];
  const sockets = new Set<Socket>();
  const { ALPNProtocols, ALPNCallback, ...context } = tls ?? {};
  // One context for the server's life: its session tickets are then good on its next connection.
  const secureContext = tls && createSecureContext(context);
  const server = createServer((raw) => {
    connections += 1;
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {});
    let socket: Socket = raw;
    if (secureContext) {
      const secure = new TLSSocket(raw, {
        isServer: true,
        secureContext,
        ...(ALPNProtocols ? { ALPNProtocols } : {}),
        ...(ALPNCallback ? { ALPNCallback } : {}),
      });
      secure.on('error', () => {});
      secure.on('secure', () => resumed.push(secure.isSessionReused()));
      secure.resetAndDestroy = () => (raw.resetAndDestroy(), secure);
      socket = secure;
    }
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      text += chunk.toString('latin1');
      for (let end = text.indexOf('\r\n\r\n'); end >= 0; end = text.indexOf('\r\n\r\n')) {
        text = text.slice(end + 4);
        script(socket, requests++);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => connections,
    received: () => received,
    resumed: () => [...resumed],
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
