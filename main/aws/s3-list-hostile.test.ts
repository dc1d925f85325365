import { createServer, type Server } from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';

import { parseListPage } from './s3-list-page';
import { loopbackS3Store } from './testing/loopback-s3-store';

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
      const { client, store } = loopbackS3Store(server, lean);
      await expect(store.list('', AbortSignal.timeout(20_000))).rejects.toThrow(/same continuation token/);
      expect(requests).toBe(2);
      client.destroy();
    });
  }
});

// Invariant: an object's time is what S3 said or the answer is refused; never 0 (the oldest time,
// which a downloaded file without a recorded mtime would carry into newest-wins).
describe('answers without a readable LastModified', () => {
  const withTime = (time: string | undefined) =>
    listing(
      `<IsTruncated>false</IsTruncated>${contents('a')}` +
        `<Contents><Key>b</Key>${time === undefined ? '' : `<LastModified>${time}</LastModified>`}<ETag>"e"</ETag><Size>1</Size></Contents>`,
    );

  it('parseListPage refuses a missing or unreadable one with a sentence naming the object', () => {
    for (const time of [undefined, '', 'yesterday', '2026-13-45T99:00:00Z']) {
      expect(() => parseListPage(withTime(time)), String(time)).toThrow(
        /^S3 answered for b with .*Last-Modified.*, then sync again\.$/,
      );
    }
    expect(parseListPage(withTime('2026-01-02T03:04:05.000Z')).objects[1]!.lastModifiedMs).toBe(
      Date.UTC(2026, 0, 2, 3, 4, 5),
    );
  });

  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A loopback S3 whose listing, GET and HEAD say `time` as the object's Last-Modified (undefined: none). */
  async function storeAnswering(time: string | undefined, lean: boolean) {
    server = createServer((req, res) => {
      if (req.url?.includes('list-type=2')) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end(withTime(time));
      }
      res.writeHead(200, {
        'content-length': '1',
        etag: '"e"',
        ...(time === undefined ? {} : { 'last-modified': time }),
        'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      });
      res.end(req.method === 'HEAD' ? undefined : 'x');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return loopbackS3Store(server, lean);
  }

  for (const lean of [true, false]) {
    for (const time of [undefined, 'yesterday']) {
      it(`a listing, a GET and a HEAD with ${time === undefined ? 'none' : `'${time}'`} are refused, not read as 0 (${lean ? 'lean' : 'SDK'} path)`, async () => {
        const { client, store } = await storeAnswering(time, lean);
        const signal = AbortSignal.timeout(20_000);
        // Ours says it as a sentence; the SDK's own parser refuses an unreadable date first ('Invalid RFC3339 timestamp', 'Invalid RFC7231 date-time').
        const refused =
          time === undefined || lean ? /^S3 answered for b with .*Last-Modified/ : /Last-Modified|timestamp|date-time/i;
        await expect(store.list('', signal)).rejects.toThrow(refused);
        await expect(store.get('b', undefined, signal)).rejects.toThrow(refused);
        await expect(store.head('b', signal)).rejects.toThrow(refused);
        client.destroy();
      });
    }
  }
});
