import { connect, createServer, type Socket } from 'node:net';

/** A TCP relay on 127.0.0.1 whose connections a test can cut, to simulate a network drop. */
export interface TcpProxy {
  port: number;
  /** Connections relayed so far. */
  connections: number;
  /** Destroys every open connection (both sides), as a dropped link would. */
  cutAll(): void;
  /** Refuses new connections (closed at once) until {@link TcpProxy.resume}: a network that stays down. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** Starts a relay to `targetPort` on 127.0.0.1. */
export function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let connections = 0;
  let paused = false;
  const server = createServer((client) => {
    if (paused) return void client.destroy();
    connections += 1;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        get connections() {
          return connections;
        },
        cutAll() {
          for (const socket of open) socket.destroy();
          open.clear();
        },
        pause: () => void (paused = true),
        resume: () => void (paused = false),
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
