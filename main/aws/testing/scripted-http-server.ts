import { createServer, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';

import type { TestCertificate } from './test-certificates';

/** What the server does with the n-th request (over all connections): writes, then maybe closes. */
export type Script = (socket: Socket, request: number) => void;

/** A running {@link scriptedServer}. */
export interface ScriptedServer {
  port: number;
  /** Connections accepted so far. */
  connections: () => number;
  /** Over TLS: whether each handshake resumed a session, in order. */
  resumed: () => boolean[];
  /** Stops listening and ends every open connection. */
  close: () => Promise<void>;
}

/**
 * A loopback TCP server for the lean HTTP/1.1 clients' fault tests: it answers each request (one
 * per empty-line-ended head) by `script`, raw bytes as a broken server would send them. With
 * `certificate`, over TLS: the script's socket is then the TLS socket, its `resetAndDestroy`
 * resetting the TCP connection below it.
 */
export async function scriptedServer(script: Script, certificate?: TestCertificate): Promise<ScriptedServer> {
  let requests = 0;
  let connections = 0;
  const resumed: boolean[] = [];
  const sockets = new Set<Socket>();
  // One context for the server's life: its session tickets are then good on its next connection.
  const secureContext = certificate && createSecureContext(certificate);
  const server = createServer((raw) => {
    connections += 1;
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {});
    let socket: Socket = raw;
    if (secureContext) {
      const secure = new TLSSocket(raw, { isServer: true, secureContext });
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => connections,
    resumed: () => resumed,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
