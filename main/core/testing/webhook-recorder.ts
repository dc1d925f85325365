import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the recorder received. */
export interface RecordedPost {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A webhook endpoint on loopback that records what is posted to it. The path picks the answer:
 * `/status-NNN…` answers NNN, `/echo-NNN…` answers NNN with the request's path as its reason phrase (a
 * server quoting the URL, where the secret is), `/hang…` never answers, `/reset…` drops the connection; else 200.
 */
export async function startWebhookRecorder(): Promise<{
  base: string;
  posted: RecordedPost[];
  stop(): Promise<void>;
}> {
  const posted: RecordedPost[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      posted.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/hang')) return;
      if (req.url?.startsWith('/reset')) return void req.socket.destroy();
      const echo = /^\/echo-(\d{3})/.exec(req.url ?? '')?.[1];
      if (echo) return void res.writeHead(Number(echo), `No hook at ${req.url}`).end(req.url);
      const status = /^\/status-(\d{3})/.exec(req.url ?? '')?.[1];
      res.writeHead(status ? Number(status) : 200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posted,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
