import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request as httpRequest,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What to do with one request:
 * - `pass`: forward it;
 * - `reset`: cut the connection without an answer;
 * - `{ status, code }`: answer with an AWS error in the protocol of the request (S3/EC2/query XML, JSON);
 * - `{ html: status }`: answer with an HTML page (a proxy's or a load balancer's error page);
 * - `{ hold: 'request' | 'response', ms? }`: hold the request before forwarding it, or the upstream's
 *   answer before sending it, for `ms` (or until the client gives up or the proxy closes);
 * - `{ body, after }`: forward the answer's head and its first `after` body bytes, then cut the
 *   connection (`reset`), end the body early with a matching Content-Length (`short`: a clean but
 *   truncated answer), or go silent with the connection open (`stall`, until the client gives up).
 */
export type Fault =
  | 'pass'
  | 'reset'
  | { status: number; code: string; message?: string }
  | { html: number }
  | { hold: 'request' | 'response'; ms?: number }
  | { body: 'reset' | 'short' | 'stall'; after: number };

/** One request as a fault plan sees it. */
export interface FaultRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  path: string;
  /** Query parameters, and a query API's form body parameters. */
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /**
   * The API operation: `Action=` of a query API (EC2, STS, IAM; from the query or the form body),
   * the `X-Amz-Target` operation of a JSON API (Service Quotas), else `METHOD /path` (S3).
   */
  operation: string;
}

/** Decides per request; `n` counts requests from 1. */
export type FaultPlan = (request: FaultRequest, n: number) => Fault;

/** A running fault proxy. */
export interface FaultProxy {
  endpoint: string;
  requests(): number;
  faults(): number;
  /** Operation and fault of every request, in order. */
  log(): Array<{ operation: string; fault: string }>;
  close(): Promise<void>;
}

/**
 * A real HTTP proxy in front of a test server (Ceph RGW, the AWS query server) that injects the
 * failures AWS and the networks in between produce in the wild: 500/503 SlowDown/throttling,
 * HTML error pages, connection resets, held requests and held answers, per operation. Retries
 * and error messages are tested against real traffic through the SDK's own HTTP stack.
 */
export async function startFaultProxy(target: string, plan: FaultPlan): Promise<FaultProxy> {
  const upstream = new URL(target);
  let count = 0;
  let faults = 0;
  const log: Array<{ operation: string; fault: string }> = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number | undefined, then: () => void) => {
    if (ms === undefined) return; // held until the client or close() ends it
    const timer = setTimeout(() => (timers.delete(timer), then()), ms);
    timers.add(timer);
  };

  const server: Server = createServer((req, res) => {
    const forms = /x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '');
    // A query API's Action may be in the form body: read it first (small); anything else streams.
    const bodyReady: Promise<Buffer | undefined> = forms
      ? new Promise((resolve) => {
          const chunks: Buffer[] = [];
          req.on('data', (chunk: Buffer) => chunks.push(chunk));
          req.on('end', () => resolve(Buffer.concat(chunks)));
          req.on('error', () => resolve(Buffer.alloc(0)));
        })
      : Promise.resolve(undefined);
    void bodyReady.then((body) => {
      count += 1;
      const request = describe(req.method ?? 'GET', req.url ?? '/', req.headers, body);
      const fault = plan(request, count);
      log.push({ operation: request.operation, fault: typeof fault === 'string' ? fault : JSON.stringify(fault) });
      if (fault !== 'pass') faults += 1;
      if (fault === 'reset') return void req.socket.destroy();
      if (typeof fault === 'object' && 'status' in fault) {
        if (!body) req.resume();
        const answer = awsErrorBody(request, fault.status, fault.code, fault.message ?? 'injected by the test');
        return void res
          .writeHead(fault.status, { 'content-type': answer.type, 'content-length': Buffer.byteLength(answer.body) })
          .end(req.method === 'HEAD' ? undefined : answer.body);
      }
      if (typeof fault === 'object' && 'html' in fault) {
        if (!body) req.resume();
        const page = `<html><head><title>${fault.html} Error</title></head><body><h1>${fault.html} Error</h1><hr><center>nginx</center></body></html>`;
        return void res
          .writeHead(fault.html, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(page) })
          .end(req.method === 'HEAD' ? undefined : page);
      }
      const holdRequest = typeof fault === 'object' && 'hold' in fault && fault.hold === 'request';
      const holdResponse = typeof fault === 'object' && 'hold' in fault && fault.hold === 'response';
      const ms = typeof fault === 'object' && 'hold' in fault ? fault.ms : undefined;
      const forward = () => {
        const outgoing = httpRequest(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
          (upstreamRes) => {
            const send = () => {
              if (typeof fault === 'object' && 'body' in fault) return cutBody(upstreamRes, res, fault);
              res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
              upstreamRes.pipe(res);
            };
            if (holdResponse) later(ms, send);
            else send();
          },
        );
        outgoing.on('error', () => req.socket.destroy());
        if (body) outgoing.end(body);
        else req.pipe(outgoing);
      };
      if (holdRequest) later(ms, forward);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => count,
    faults: () => faults,
    log: () => [...log],
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Forwards an answer's head and its first `fault.after` body bytes, then breaks it as `fault.body` says. */
function cutBody(
  upstreamRes: IncomingMessage,
  res: ServerResponse,
  fault: { body: 'reset' | 'short' | 'stall'; after: number },
): void {
  const headers = { ...upstreamRes.headers };
  if (fault.body === 'short') headers['content-length'] = String(fault.after);
  res.writeHead(upstreamRes.statusCode ?? 502, headers);
  let sent = 0;
  const stop = () => {
    upstreamRes.off('data', onData);
    upstreamRes.destroy();
    if (fault.body === 'reset') res.socket?.destroy();
    if (fault.body === 'short') res.end();
    // 'stall': the connection stays open and silent until the client gives up or the proxy closes.
  };
  const onData = (chunk: Buffer) => {
    const room = fault.after - sent;
    if (chunk.length < room) {
      sent += chunk.length;
      res.write(chunk);
      return;
    }
    res.write(chunk.subarray(0, room));
    sent = fault.after;
    stop();
  };
  if (fault.after === 0) return stop();
  upstreamRes.on('data', onData);
  upstreamRes.on('end', () => res.end());
}

function describe(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer | undefined): FaultRequest {
  const parsed = new URL(url, 'http://proxy');
  const form = body ? new URLSearchParams(body.toString('utf8')) : undefined;
  // Query APIs send their parameters in the query or the form body: a plan sees both as one.
  const query = new URLSearchParams(parsed.searchParams);
  form?.forEach((value, key) => query.append(key, value));
  const action = query.get('Action') ?? undefined;
  const target = headers['x-amz-target'];
  const jsonOperation = typeof target === 'string' ? target.split('.').pop() : undefined;
  return {
    method,
    url,
    path: parsed.pathname,
    query,
    headers,
    operation: action ?? jsonOperation ?? `${method} ${parsed.pathname}`,
  };
}

/** An AWS error answer in the request's protocol, as the SDK's deserializers expect it. */
function awsErrorBody(request: FaultRequest, status: number, code: string, message: string) {
  if (request.headers['x-amz-target']) {
    return { type: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: code, message }) };
  }
  const isQuery = request.operation !== `${request.method} ${request.path}`;
  const version = request.query.get('Version') ?? '';
  // EC2's query dialect wraps errors in Response/Errors; STS, IAM and the other query APIs in ErrorResponse.
  const ec2 = isQuery && version === '2016-11-15';
  const xml = isQuery
    ? ec2
      ? `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>`
      : `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`
    : `<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return { type: 'text/xml', body: `<?xml version="1.0" encoding="UTF-8"?>${xml}` };
}
