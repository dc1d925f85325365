import { createServer, type Socket } from 'node:net';

/** What the server does with the n-th request (over all connections): writes, then maybe closes. */
export type Script = (socket: Socket, request: number) => void;

/** A running {@link scriptedServer}. */
export interface ScriptedServer {
  port: number;
  /** Connections accepted so far. */
  connections: () => number;
  /** Stops listening and ends every open connection. */
  close: () => Promise<void>;
}

/**
 * A loopback TCP server for the lean HTTP/1.1 clients' fault tests: it answers each request (one
 * per empty-line-ended head) by `script`, raw bytes as a broken server would send them.
 */
export async function scriptedServer(script: Script): Promise<ScriptedServer> {
  let requests = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let text = '';
    socket.on('data', (chunk) => {
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
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
