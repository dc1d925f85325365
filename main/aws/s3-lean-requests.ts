import type { Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { request as httpsRequest } from 'node:https';

import type { S3Client } from '@aws-sdk/client-s3';

import { type AnswerRules, type Http1Answer, Http1Client } from './http1-client';
import { type DirectAnswer, type DirectRules, Http1DirectClient } from './http1-direct-client';
import { checkOutbound } from './outbound-check';
import { S3RequestSigner, uriEscape } from './sigv4-signer';

/** What a client made by `createS3Client` shares with its lean requests: the same pool and limits. */
export interface LeanPool {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  idleTimeoutMs: number;
  /** `settings.endpoints.S3`, when the caller named one (the SDK's configured endpoints are asked for the rest). */
  endpoint?: string;
  /** PEM certificates HTTPS trusts instead of Node's roots (AWS_CA_BUNDLE), as `httpsAgent` does. */
  ca?: string[];
}

const pools = new WeakMap<S3Client, LeanPool>();

/** Records the pool of a client, so that its object store can send lean requests over the same sockets. */
export function registerLeanPool(client: S3Client, pool: LeanPool): void {
  pools.set(client, pool);
}

/** One signed request's answer: status, headers and the body stream (to read or destroy). */
export interface LeanAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

/** A signed request to one object of the bucket, or to the bucket itself (key ''). */
export interface LeanRequest {
  method: 'GET' | 'HEAD' | 'PUT';
  key: string;
  /** Query parameters (signed), e.g. a listing's; none for an object. */
  query?: Record<string, string>;
  /** Lower-case header names; values already valid header text. */
  headers: Record<string, string>;
  body?: Buffer;
  /** Hex SHA-256 of `body` (of nothing for a GET): signed, so S3 refuses a body that differs. */
  payloadSha256: string;
}

/** Sends signed requests for single objects of one bucket without the SDK's middleware stack. */
export interface LeanS3 {
  /** False when this bucket's endpoint needs more than plain SigV4 for S3 (then the SDK goes). */
  usable(): Promise<boolean>;
  /** Undefined when the key cannot go in a URL as is (the SDK goes). */
  send(request: LeanRequest, signal?: AbortSignal): Promise<LeanAnswer | undefined>;
  /**
   * A GET or HEAD without a body over the lean HTTP/1.1 client (`http1-client.ts`), its answer read
   * whole into memory within `rules`; for small whole objects, over HTTP or HTTPS (the certificate
   * checked as `httpsAgent` checks it). Undefined as for `send`.
   */
  sendWhole(request: LeanRequest, rules: AnswerRules, signal?: AbortSignal): Promise<Http1Answer | undefined>;
  /**
   * A GET without a body over the HTTP/1.1 client that reads bodies straight into the caller's memory
   * (`http1-direct-client.ts`, over HTTP or HTTPS, the certificate checked as for `sendWhole`): the
   * answers `rules.direct` takes come with their body pending, for a sink (a ranged GET's, into the
   * download's slabs); the others read whole within the rules. Undefined as for `sendWhole`.
   */
  sendDirect(request: LeanRequest, rules: DirectRules, signal?: AbortSignal): Promise<DirectAnswer | undefined>;
}

/** SHA-256 of no bytes: the signed payload hash of a GET. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * A lean request path for small object GETs and PUTs, HEADs and listings: SigV4 (`S3RequestSigner`,
 * which keeps the day's signing key) over the client's own keep-alive agents.
 * The SDK's per-request work — a dozen middlewares, endpoint rules, schema (de)serialization, its
 * stream mixins — cost ~1.5 ms of JavaScript per small object; here the endpoint is resolved once
 * per bucket by the SDK's own rules (so AWS_ENDPOINT_URL_S3, a profile's endpoint_url, FIPS,
 * dual-stack and path style are the SDK's answer), credentials, region and clock-skew correction
 * come from the client, and only the signature and the socket write are per request.
 * Undefined for a client not made by `createS3Client` (a test's mocked client): the SDK goes.
 */
export function leanS3For(client: S3Client, bucket: string): LeanS3 | undefined {
  const pool = pools.get(client);
  if (!pool) return undefined;
  let target: Promise<LeanTarget | undefined> | undefined;
  const resolve = () => (target ??= resolveTarget(client, bucket, pool).catch(() => undefined));
  /** The target, the path and query as sent, and the signed headers; undefined when the lean path cannot send it. */
  const signed = async (request: LeanRequest) => {
    const resolved = await resolve();
    const path = resolved && objectPath(resolved.base, request.key);
    const query = request.query ?? {};
    const search = queryString(query);
    if (!resolved || path === undefined || search === undefined) return undefined;
    const { base, signer } = resolved;
    const headers: Record<string, string> = {
      ...request.headers,
      host: base.host,
      'x-amz-content-sha256': request.payloadSha256,
      ...(request.body ? { 'content-length': String(request.body.length) } : {}),
    };
    const offset = client.config.systemClockOffset ?? 0;
    const signedHeaders = await signer.sign({ method: request.method, path, query, headers }, Date.now() + offset);
    return { resolved, target: path + search, headers: signedHeaders };
  };
  /** The request's head as the lean HTTP/1.1 clients send it (undefined when the lean path cannot send it). */
  const signedHead = async (request: LeanRequest) => {
    if (request.body) throw new Error('the lean HTTP/1.1 clients send no body');
    const ready = await signed(request);
    if (!ready) return undefined;
    let head = `${request.method} ${ready.target} HTTP/1.1\r\n`;
    for (const [name, value] of Object.entries(ready.headers)) {
      // Signed values are header text already; a line break would split the request (never sent).
      if (/[\r\n]/.test(value)) throw new Error(`the header ${name} holds a line break`);
      head += `${name}: ${value}\r\n`;
    }
    return { resolved: ready.resolved, head: `${head}\r\n` };
  };
  return {
    async usable() {
      return (await resolve()) !== undefined;
    },
    async send(request, signal) {
      const ready = await signed(request);
      return ready && exchange(ready.resolved.base, ready.target, request, ready.headers, pool, signal);
    },
    async sendWhole(request, rules, signal) {
      const ready = await signedHead(request);
      return ready?.resolved.http1.request(ready.head, rules, signal);
    },
    async sendDirect(request, rules, signal) {
      const ready = await signedHead(request);
      return ready?.resolved.http1Direct.request(ready.head, rules, signal);
    },
  };
}

interface LeanTarget {
  base: URL;
  signer: S3RequestSigner;
  /** The lean HTTP/1.1 client's connections to `base` (see `sendWhole`). */
  http1: Http1Client;
  /** Its twin for bodies read straight into the caller's memory (see `sendDirect`), over HTTP or HTTPS alike. */
  http1Direct: Http1DirectClient;
}

async function resolveTarget(client: S3Client, bucket: string, pool: LeanPool): Promise<LeanTarget | undefined> {
  const config = client.config;
  const endpoint = pool.endpoint ?? (await config.serviceConfiguredEndpoint?.());
  const region = await config.region();
  const resolved = config.endpointProvider({
    Bucket: bucket,
    Region: region,
    UseFIPS: await config.useFipsEndpoint(),
    UseDualStack: await config.useDualstackEndpoint(),
    ForcePathStyle: config.forcePathStyle ?? false,
    Accelerate: config.useAccelerateEndpoint ?? false,
    ...(endpoint ? { Endpoint: endpoint } : {}),
  });
  const scheme = resolved.properties?.authSchemes as
    Array<{ name?: string; signingName?: string; signingRegion?: string }> | undefined;
  const sigv4 = scheme?.[0];
  // Anything but plain SigV4 for "s3" (SigV4a, S3 Express sessions) or extra headers: the SDK knows how.
  if (!sigv4 || sigv4.name !== 'sigv4' || (sigv4.signingName ?? 's3') !== 's3') return undefined;
  if (Object.keys(resolved.headers ?? {}).length > 0) return undefined;
  const base = new URL(resolved.url.toString());
  if (base.search || (base.protocol !== 'http:' && base.protocol !== 'https:')) return undefined;
  checkOutbound('the lean S3 request path (s3-lean-requests.ts)', base.hostname.replace(/^\[(.*)\]$/, '$1'));
  // S3 signs the path as sent (no double encoding) and takes the payload hash from our header.
  const signer = new S3RequestSigner(config.credentials, sigv4.signingRegion ?? region);
  const host = base.hostname.replace(/^\[(.*)\]$/, '$1');
  const https = base.protocol === 'https:';
  // HTTPS (AWS itself): the name of the endpoint's URL is the one its certificate must carry.
  const tls = https ? { tls: { servername: host, ...(pool.ca ? { ca: pool.ca } : {}) } } : {};
  const target = { host, port: Number(base.port) || (https ? 443 : 80), ...tls };
  const http1 = new Http1Client(target, { idleTimeoutMs: pool.idleTimeoutMs });
  const http1Direct = new Http1DirectClient(target, { idleTimeoutMs: pool.idleTimeoutMs });
  return { base, signer, http1, http1Direct };
}

/**
 * The object's path below the bucket's base URL, each segment percent-encoded as S3 expects (RFC 3986);
 * the bucket's own path for the key ''.
 */
function objectPath(base: URL, key: string): string | undefined {
  if (key === '') return base.pathname || '/';
  let encoded: string;
  try {
    encoded = key.split('/').map(uriEscape).join('/');
  } catch {
    return undefined; // a lone surrogate: not a key this path can send
  }
  return `${base.pathname.replace(/\/$/, '')}/${encoded}`;
}

/** `?name=value&…`, encoded as the signature canonicalizes it ('' for no query; undefined if it cannot be sent). */
function queryString(query: Record<string, string>): string | undefined {
  try {
    const pairs = Object.entries(query).map(([name, value]) => `${uriEscape(name)}=${uriEscape(value)}`);
    return pairs.length ? `?${pairs.join('&')}` : '';
  } catch {
    return undefined; // a lone surrogate
  }
}

/**
 * One HTTP exchange on the pool. Settles on every path: the answer's head, or the request's
 * error (reset, refused, the idle limit on a silent connection, the caller's abort). The idle
 * limit and the abort go on covering the body after the head has arrived.
 */
function exchange(
  base: URL,
  path: string,
  request: LeanRequest,
  headers: Record<string, string>,
  pool: LeanPool,
  signal: AbortSignal | undefined,
): Promise<LeanAnswer> {
  return new Promise((resolve, reject) => {
    const https = base.protocol === 'https:';
    const options = {
      method: request.method,
      hostname: base.hostname,
      port: base.port,
      path,
      headers,
      agent: https ? pool.httpsAgent : pool.httpAgent,
      ...(signal ? { signal } : {}),
    };
    let req;
    try {
      req = (https ? httpsRequest : httpRequest)(options, (body) =>
        resolve({ status: body.statusCode ?? 0, headers: body.headers, body }),
      );
    } catch (error) {
      return reject(error as Error); // a header value Node refuses, an aborted signal
    }
    req.setTimeout(pool.idleTimeoutMs, () => req.destroy(idleTimeout(pool.idleTimeoutMs)));
    req.on('error', reject);
    req.end(request.body);
  });
}

function idleTimeout(ms: number): Error {
  return Object.assign(new Error(`the connection to S3 was silent for ${ms / 1000} s`), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
  });
}

/** Longest error body read: S3's XML errors are a few hundred bytes; a proxy's page is cut here. */
export const ERROR_BODY_MAX = 64 * 1024;

/**
 * A failed answer as the SDK would have thrown it (`Code`/`name` and message from S3's XML error,
 * the status in `$metadata`, the headers in `$response`), so that `toStoreError` classifies both
 * paths alike. The body is read (bounded) and the stream is finished either way.
 */
export async function answerError(answer: LeanAnswer): Promise<Error> {
  let text = '';
  try {
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8');
      if (text.length > ERROR_BODY_MAX) {
        answer.body.destroy();
        break;
      }
    }
  } catch (error) {
    return error as Error; // the connection broke mid-answer: a network error, as it is
  }
  const headers = Object.fromEntries(
    Object.entries(answer.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );
  return errorOf(answer.status, headers, text);
}

/** {@link answerError} of an answer read whole (`sendWhole`: its body read within {@link ERROR_BODY_MAX}). */
export function wholeAnswerError(answer: Http1Answer): Error {
  return errorOf(answer.status, answer.headers, answer.body?.toString('utf8') ?? '');
}

function errorOf(status: number, headers: Record<string, string | undefined>, text: string): Error {
  const code = xmlText(text, 'Code');
  const message = xmlText(text, 'Message');
  return Object.assign(new Error(message || code || 'UnknownError'), {
    name: code ?? 'Unknown',
    ...(code ? { Code: code } : {}),
    $metadata: { httpStatusCode: status },
    $response: { statusCode: status, headers },
  });
}

/**
 * Longest successful XML answer read (a listing page, a bucket's versioning or encryption): a page of
 * 1,000 keys of 1 KiB each, every character escaped, stays below 8 MiB. A server that streams on
 * without end would otherwise fill the memory while the idle limit never fires.
 */
export const ANSWER_TEXT_MAX = 32 * 2 ** 20;

/** The whole text of a successful answer (a listing's XML), refused past {@link ANSWER_TEXT_MAX}. */
export async function answerText(answer: LeanAnswer): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of answer.body as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > ANSWER_TEXT_MAX) {
      answer.body.destroy();
      throw new Error(
        `S3 answered with more than ${ANSWER_TEXT_MAX / 2 ** 20} MiB where a few KiB of XML were expected, so the answer was dropped: check that the S3 endpoint is S3 or an S3-compatible server, and that no proxy rewrites its answers`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Compiled once per tag name (a listing asks five per object). */
const TAG_PATTERNS = new Map<string, RegExp>();

/** The decoded text of the first `<tag>…</tag>` (or `<tag/>`, '') in an S3 XML answer, if any. */
export function xmlText(xml: string, tag: string): string | undefined {
  let pattern = TAG_PATTERNS.get(tag);
  if (!pattern) TAG_PATTERNS.set(tag, (pattern = new RegExp(`<${tag}>([^<]*)</${tag}>|<${tag}\\s*/>`)));
  const found = pattern.exec(xml);
  return found ? decodeXmlText(found[1] ?? '') : undefined;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML character and entity references (`&amp;`, `&#13;`, `&#x1F;`) to their characters, in one pass. */
function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    const code = ref.startsWith('#x')
      ? Number.parseInt(ref.slice(2), 16)
      : ref.startsWith('#')
        ? Number(ref.slice(1))
        : NaN;
    if (Number.isNaN(code)) return NAMED_ENTITIES[ref] ?? whole;
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
