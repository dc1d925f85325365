import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { SseKey } from '../sync/sse-key';
import { createS3Client } from './s3-client';
import { parseListPage } from './s3-list-page';
import { createS3ObjectStore } from './s3-object-store';

// Invariant: a listing is all of the prefix's objects or an error; never a part of them taken
// for the whole (the engine would read a missing object as deleted remotely), never endless.
const listing = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
  `<Name>b</Name><Prefix></Prefix><MaxKeys>1000</MaxKeys>${inner}</ListBucketResult>`;
const contents = (key: string, size = '1') =>
  `<Contents><Key>${key}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag><Size>${size}</Size></Contents>`;

describe('parseListPage on answers S3 never sends', () => {
  it('refuses an object whose key it cannot read (CDATA) instead of leaving it out', () => {
    const xml = listing(`<IsTruncated>false</IsTruncated>${contents('a')}${contents('<![CDATA[b]]>')}`);
    expect(() => parseListPage(xml)).toThrow(/key/);
  });

  it('refuses a Contents element it cannot read (attributes, a space in its tag) instead of leaving the object out', () => {
    for (const open of ['<Contents xmlns="">', '<Contents >']) {
      const xml = listing(
        `<IsTruncated>false</IsTruncated>${contents('a')}${contents('b').replace('<Contents>', open)}`,
      );
      expect(() => parseListPage(xml), open).toThrow(/Contents/);
    }
  });

  it('refuses a size that is not a whole number of bytes', () => {
    for (const size of ['abc', '-5', '1.5', '1e3', '0x10', '']) {
      expect(() => parseListPage(listing(`<IsTruncated>false</IsTruncated>${contents('a', size)}`)), size).toThrow(
        /size/,
      );
    }
  });

  it('reads IsTruncated with whitespace around it (pretty-printed XML) as said, and refuses any other value', () => {
    const page = (truncated: string) =>
      listing(
        `<IsTruncated>${truncated}</IsTruncated>${contents('a')}<NextContinuationToken>t</NextContinuationToken>`,
      );
    expect(parseListPage(page('\n  true\n')).next).toBe('t');
    expect(parseListPage(page(' false ')).next).toBeUndefined();
    expect(() => parseListPage(page('yes'))).toThrow(/IsTruncated/);
  });
});

describe('listing from a server that repeats its continuation token', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  for (const lean of [true, false]) {
    it(`stops with an error at the repeated token, not an endless listing (${lean ? 'lean' : 'SDK'} path)`, async () => {
      let requests = 0;
      server = createServer((req, res) => {
        requests++;
        // Bounded so that the code that loops fails this test instead of hanging it.
        if (requests > 20) return res.writeHead(400).end('<Error><Code>InvalidRequest</Code></Error>');
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(
          listing(
            `<IsTruncated>true</IsTruncated>${contents(`k${requests}`)}<NextContinuationToken>same</NextContinuationToken>`,
          ),
        );
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const client = createS3Client({
        region: 'us-east-1',
        endpoints: { S3: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      });
      const store = createS3ObjectStore(client, 'b', new SseKey(randomBytes(32)), { leanSmallRequests: lean });
      await expect(store.list('', AbortSignal.timeout(20_000))).rejects.toThrow(/same continuation token/);
      expect(requests).toBe(2);
      client.destroy();
    });
  }
});
