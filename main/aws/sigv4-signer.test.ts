import { createHash } from 'node:crypto';

import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { S3RequestSigner, uriEscape } from './sigv4-signer';

// Invariant: the lean path's signer gives exactly the headers `@smithy/signature-v4` gives (the
// SDK's signer, configured as the lean path had it) for any S3 request of the lean path's shape.
class Sha256 implements Checksum {
  private readonly parts: Buffer[] = [];
  constructor(private readonly secret?: SourceData) {}
  update(data: Uint8Array): void {
    this.parts.push(Buffer.from(data));
  }
  async digest(): Promise<Uint8Array> {
    const { createHmac } = await import('node:crypto');
    const bytes = Buffer.concat(this.parts);
    if (this.secret === undefined) return createHash('sha256').update(bytes).digest();
    const key = typeof this.secret === 'string' ? this.secret : Buffer.from(this.secret as Uint8Array);
    return createHmac('sha256', key).update(bytes).digest();
  }
  reset(): void {
    this.parts.length = 0;
  }
}

const headerValue = fc.string({ minLength: 0, maxLength: 20 }).map((v) => v.replace(/[^\x20-\x7e]/g, 'x'));
const request = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'PUT'),
  segments: fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }),
  query: fc.dictionary(
    fc.constantFrom('list-type', 'prefix', 'max-keys', 'continuation-token', 'encryption'),
    fc.string({ maxLength: 12 }),
  ),
  headers: fc.dictionary(fc.stringMatching(/^x-amz-meta-[a-z0-9-]{1,10}$/), headerValue, { maxKeys: 4 }),
  sse: fc.boolean(),
  sessionToken: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{8,40}$/), { nil: undefined }),
  nowMs: fc.integer({ min: Date.UTC(2020, 0), max: Date.UTC(2040, 0) }),
});

describe('S3RequestSigner', () => {
  it('signs as @smithy/signature-v4 does (path as sent, query, every header, session token)', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const credentials = {
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
          ...(r.sessionToken ? { sessionToken: r.sessionToken } : {}),
        };
        const path = `/bucket/${r.segments.map(uriEscape).join('/')}`;
        const headers: Record<string, string> = {
          ...r.headers,
          host: '127.0.0.1:8080',
          'x-amz-content-sha256': createHash('sha256').update(path).digest('hex'),
          ...(r.sse
            ? {
                'x-amz-server-side-encryption-customer-algorithm': 'AES256',
                'x-amz-server-side-encryption-customer-key': 'a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=',
                'x-amz-server-side-encryption-customer-key-md5': 'bWQ1bWQ1bWQ1bWQ1bWQ1bQ==',
              }
            : {}),
        };
        const smithy = new SignatureV4({
          credentials,
          region: 'eu-west-1',
          service: 's3',
          sha256: Sha256,
          uriEscapePath: false,
          applyChecksum: false,
        });
        const expected = await smithy.sign(
          { method: r.method, protocol: 'http:', hostname: '127.0.0.1', port: 8080, path, query: r.query, headers },
          { signingDate: new Date(r.nowMs) },
        );
        const ours = await new S3RequestSigner(async () => credentials, 'eu-west-1').sign(
          { method: r.method, path, query: r.query, headers },
          r.nowMs,
        );
        expect(ours).toEqual(expected.headers);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('one signer over a sequence of times (across seconds and midnight, back and forth) signs each as smithy does', async () => {
    const midnight = Date.UTC(2026, 11, 7);
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
    const smithy = new SignatureV4({
      credentials,
      region: 'eu-west-1',
      service: 's3',
      sha256: Sha256,
      uriEscapePath: false,
      applyChecksum: false,
    });
    const headers = { host: 'h', 'x-amz-content-sha256': 'e', 'x-amz-meta-a': ' \t folded \t  value ' };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -2500, max: 2500 }), { minLength: 1, maxLength: 12 }),
        async (offsets) => {
          const ours = new S3RequestSigner(credentials, 'eu-west-1');
          for (const offset of offsets) {
            const nowMs = midnight + offset;
            const expected = await smithy.sign(
              { method: 'GET', protocol: 'http:', hostname: 'h', path: '/b/k', query: {}, headers },
              { signingDate: new Date(nowMs) },
            );
            expect(await ours.sign({ method: 'GET', path: '/b/k', query: {}, headers }, nowMs)).toEqual(
              expected.headers,
            );
          }
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });

  it('keeps the signing key for the day and makes a new one for the next day or another secret', async () => {
    let secret = 'first-secret';
    const signer = new S3RequestSigner(async () => ({ accessKeyId: 'A', secretAccessKey: secret }), 'us-east-1');
    const req = { method: 'GET', path: '/b/k', query: {}, headers: { host: 'h', 'x-amz-content-sha256': 'e' } };
    const day1 = Date.UTC(2026, 11, 6, 12);
    const a = await signer.sign(req, day1);
    expect(await signer.sign(req, day1)).toEqual(a);
    const nextDay = await signer.sign(req, day1 + 86_400_000);
    expect(nextDay.authorization).toContain('/20261207/us-east-1/s3/aws4_request');
    secret = 'rotated-secret';
    expect((await signer.sign(req, day1)).authorization).not.toBe(a.authorization);
  });
});
