import { createServer, type Socket } from 'node:net';

/** A raw loopback server for fault tests: each request head goes to the test's script, which answers on the socket. */
export interface HeadAnswerServer {
  /** `http://127.0.0.1:PORT`, the store's endpoint. */
  endpoint: string;
  /** The connections still open (a test checks that every one closes). */
  sockets: ReadonlySet<Socket>;
  close(): Promise<void>;
}

/**
 * Hands each request head (pipelined heads too, in order) to `answer`. Plain `net`, not `node:http`:
 * the scripts write framing no HTTP server would send (short, long or chunked bodies, resets, silence).
 */
export async function headAnswerServer(answer: (socket: Socket, head: string) => void): Promise<HeadAnswerServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      for (let at = text.indexOf('\r\n\r\n'); at >= 0; at = text.indexOf('\r\n\r\n')) {
        const head = text.slice(0, at);
        text = text.slice(at + 4);
        answer(socket, head);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    sockets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
