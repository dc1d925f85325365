import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** What one request's signature covers: the path as sent, its query and every header sent. */
export interface SignableRequest {
  method: string;
  /** Already percent-encoded as sent (S3 signs the path as is, no double encoding). */
  path: string;
  query: Record<string, string>;
  /** Lower-case names; all of them are signed. `host` and `x-amz-content-sha256` must be there. */
  headers: Record<string, string>;
}

/**
 * SigV4 (header authorization) for requests to S3 in one region, written out for the lean path's
 * fixed shape of request. `@smithy/signature-v4` did the same with ~3 crypto objects and two key
 * imports per request (an HMAC only to find its cached signing key, among them) and was, after the
 * socket itself, the largest JavaScript cost of a small GET. Here: the day's signing key is kept
 * as a KeyObject, and a request costs one SHA-256 and one HMAC. `sigv4-signer.test.ts` checks it
 * signs exactly as `@smithy/signature-v4` does.
 */
export class S3RequestSigner {
  private signingKey: { secret: string; day: string; key: KeyObject } | undefined;
  private stamp: { second: number; amzDate: string } | undefined;

  constructor(
    private readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider,
    private readonly region: string,
  ) {}

  /** The headers to send: `headers` plus `x-amz-date`, the session token if any, and `authorization`. */
  async sign(request: SignableRequest, nowMs: number): Promise<Record<string, string>> {
    const credentials = typeof this.credentials === 'function' ? await this.credentials() : this.credentials;
    const amzDate = this.amzDate(nowMs);
    const day = amzDate.slice(0, 8);
    const headers: Record<string, string> = { ...request.headers, 'x-amz-date': amzDate };
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const names = Object.keys(headers).sort();
    let canonicalHeaders = '';
    for (const name of names) canonicalHeaders += `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}\n`;
    const signedHeaders = names.join(';');
    const canonicalQuery = Object.entries(query(request.query))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => `${name}=${value}`)
      .join('&');
    const canonicalRequest = `${request.method}\n${request.path}\n${canonicalQuery}\n${canonicalHeaders}\n${signedHeaders}\n${headers['x-amz-content-sha256']}`;
    const scope = `${day}/${this.region}/s3/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', this.keyFor(credentials.secretAccessKey, day))
      .update(stringToSign)
      .digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  /** `YYYYMMDDTHHMMSSZ`, made once per second. */
  private amzDate(nowMs: number): string {
    const second = Math.floor(nowMs / 1000);
    if (this.stamp?.second !== second) {
      this.stamp = {
        second,
        amzDate: new Date(second * 1000)
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d{3}/, ''),
      };
    }
    return this.stamp.amzDate;
  }

  /** The day's signing key (kept until the day or the secret changes). */
  private keyFor(secret: string, day: string): KeyObject {
    const kept = this.signingKey;
    if (kept && kept.secret === secret && kept.day === day) return kept.key;
    const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();
    const bytes = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), this.region), 's3'), 'aws4_request');
    this.signingKey = { secret, day, key: createSecretKey(bytes) };
    return this.signingKey.key;
  }
}

/** RFC 3986 percent-encoding, as SigV4 canonicalizes paths and queries (throws on a lone surrogate). */
export function uriEscape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function query(params: Record<string, string>): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) encoded[uriEscape(name)] = uriEscape(value);
  return encoded;
}
