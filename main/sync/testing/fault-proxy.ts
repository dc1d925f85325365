import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What to do with one request: forward it, answer with an S3 error, or cut the connection. */
export type Fault = 'pass' | 'reset' | { status: number; code: string };

/** Decides per request; `n` counts requests from 1. */
export type FaultPlan = (request: IncomingMessage, n: number) => Fault;

/**
 * A real HTTP proxy in front of the test S3 that injects the failures S3 produces in the
 * wild (503 SlowDown, 500s, connection resets), so retries are tested against real traffic.
 */
export async function startFaultProxy(
  target: string,
  plan: FaultPlan,
): Promise<{ endpoint: string; requests: () => number; faults: () => number; close(): Promise<void> }> {
  const upstream = new URL(target);
  let count = 0;
  let faults = 0;
  const server: Server = createServer((req, res) => {
    count += 1;
    const fault = plan(req, count);
    if (fault === 'reset') {
      faults += 1;
      req.socket.destroy();
      return;
    }
    if (fault !== 'pass') {
      faults += 1;
      req.resume();
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected by the test</Message></Error>`;
      res
        .writeHead(fault.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) })
        .end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => count,
    faults: () => faults,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
