import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';

import { StoreError } from './ports/object-store';
import { parseUploadsPage, parseVersioning } from './s3-bucket-answers';
import { parseListPage } from './s3-list-page';
import { loopbackS3Store } from './testing/loopback-s3-store';

// Invariant: the bucket-level calls of a sync (HeadBucket, GetBucketVersioning, ListMultipartUploads)
// go over the lean path, with the SDK path's error kinds; an answer that is not the one asked for, or
// is cut short, is refused with a sentence, never read as "nothing there" or "all of it".

const XMLNS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const versioning = (inner: string) =>
  `<?xml version="1.0"?><VersioningConfiguration ${XMLNS}>${inner}</VersioningConfiguration>`;
const uploadsPage = (inner: string) =>
  `<?xml version="1.0"?><ListMultipartUploadsResult ${XMLNS}><Bucket>b</Bucket>${inner}</ListMultipartUploadsResult>`;
const upload = (key: string, id: string, initiated = '2026-01-02T03:04:05.000Z') =>
  `<Upload><Key>${key}</Key><UploadId>${id}</UploadId><Initiated>${initiated}</Initiated></Upload>`;

describe('parseVersioning and parseUploadsPage on answers S3 never sends', () => {
  it('reads the three versioning states', () => {
    expect(parseVersioning(versioning('<Status>Enabled</Status>'))).toBe('enabled');
    expect(parseVersioning(versioning('<Status>Suspended</Status>'))).toBe('suspended');
    expect(parseVersioning(versioning(''))).toBe('never');
    expect(parseVersioning(`<VersioningConfiguration ${XMLNS}/>`)).toBe('never');
  });

  it('refuses an HTML page, a cut body and an unknown state instead of reading "never"', () => {
    for (const xml of [
      '<html><body>proxy login</body></html>',
      versioning('<Status>Enabled</Status>').slice(0, 70),
      versioning('<Status>Maybe</Status>'),
    ]) {
      expect(() => parseVersioning(xml), xml).toThrow(/S3 answered the bucket's versioning question/);
    }
  });

  it('reads hostile keys as sent (entities, a carriage return, spaces) and refuses an unreadable upload', () => {
    const page = parseUploadsPage(
      uploadsPage(`<IsTruncated>false</IsTruncated>${upload('a &amp; b', '1')}${upload('x&#13;y ', '2')}`),
    );
    expect(page.uploads).toEqual([
      { key: 'a & b', uploadId: '1', initiatedMs: Date.UTC(2026, 0, 2, 3, 4, 5) },
      { key: 'x\ry ', uploadId: '2', initiatedMs: Date.UTC(2026, 0, 2, 3, 4, 5) },
    ]);
    // An unreadable time must not become 0: the cleanup would take another machine's live upload for a day old.
    for (const bad of [
      upload('k', '1', 'yesterday'),
      upload('<![CDATA[k]]>', '1'),
      upload('k', ''),
      '<Upload xmlns=""><Key>k</Key></Upload>',
    ]) {
      expect(() => parseUploadsPage(uploadsPage(`<IsTruncated>false</IsTruncated>${bad}`)), bad).toThrow(
        /unfinished uploads/,
      );
    }
  });

  it('refuses a page cut short between two uploads, and a truncated page without a marker', () => {
    const whole = uploadsPage(`<IsTruncated>false</IsTruncated>${upload('a', '1')}${upload('b', '2')}`);
    const cut = whole.slice(0, whole.indexOf('<Upload><Key>b'));
    expect(() => parseUploadsPage(cut)).toThrow(/not one/);
    expect(() => parseUploadsPage(uploadsPage(`<IsTruncated>true</IsTruncated>${upload('a', '1')}`))).toThrow(
      /no marker/,
    );
  });

  it('parseListPage refuses a listing page cut short between two objects', () => {
    const contents = (key: string) =>
      `<Contents><Key>${key}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag><Size>1</Size></Contents>`;
    const whole = `<?xml version="1.0"?><ListBucketResult ${XMLNS}><IsTruncated>false</IsTruncated>${contents('a')}${contents('b')}</ListBucketResult>`;
    expect(parseListPage(whole).objects).toHaveLength(2);
    expect(() => parseListPage(whole.slice(0, whole.indexOf('<Contents><Key>b')))).toThrow(/cut short/);
  });
});

describe('bucket-level calls on the lean path, against a loopback S3', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  const seen: { method: string; url: string; sdk: boolean }[] = [];

  async function storeOn(handler: Handler, lean = true) {
    seen.length = 0;
    server = createServer((req, res) => {
      // The SDK names itself in its user agent; the lean path sends none.
      seen.push({ method: req.method!, url: req.url!, sdk: /aws-sdk-js/.test(String(req.headers['user-agent'])) });
      handler(req, res);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return loopbackS3Store(server, lean);
  }

  const xml = (res: ServerResponse, body: string, status = 200) =>
    res.writeHead(status, { 'content-type': 'application/xml' }).end(body);

  it("a pull's checkBucket and ListMultipartUploads send nothing through the SDK", async () => {
    const { client, store } = await storeOn((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(200).end();
      if (req.url!.includes('versioning')) return xml(res, versioning('<Status>Enabled</Status>'));
      if (req.url!.includes('key-marker=a')) {
        return xml(res, uploadsPage(`<IsTruncated>false</IsTruncated>${upload('b', '2')}`));
      }
      xml(
        res,
        uploadsPage(
          `<IsTruncated>true</IsTruncated>${upload('a', '1')}<NextKeyMarker>a</NextKeyMarker><NextUploadIdMarker>1</NextUploadIdMarker>`,
        ),
      );
    });
    const signal = AbortSignal.timeout(20_000);
    expect(await store.checkBucket(signal, { sseCUploads: false })).toEqual({ versioning: 'enabled' });
    const uploads = await store.listMultipartUploads!('p/', signal);
    expect(uploads.map((u) => [u.key, u.uploadId])).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(seen.map((r) => `${r.method} ${r.url.replace(/\?.*/, '')}`)).toEqual([
      'HEAD /b',
      'GET /b',
      'GET /b',
      'GET /b',
    ]);
    expect(seen.filter((r) => r.sdk)).toEqual([]);
    expect(seen[3]!.url).toMatch(/key-marker=a&upload-id-marker=1/);
    client.destroy();
  });

  const kindOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    return error instanceof StoreError ? error.kind : String(error);
  };

  // The kinds the SDK path gives for the same answers (s3-errors.test, aws-http-errors.test).
  const headAnswers: [string, number, Record<string, string>, string][] = [
    ['missing bucket', 404, {}, 'no-bucket'],
    ['access denied', 403, {}, 'access-denied'],
    ['another region (301)', 301, { 'x-amz-bucket-region': 'eu-west-1' }, 'wrong-region'],
    ['another region (400)', 400, { 'x-amz-bucket-region': 'eu-west-1' }, 'wrong-region'],
    ['throttled', 503, {}, 'transient'],
    ['a server error', 500, {}, 'transient'],
  ];
  for (const lean of [true, false]) {
    for (const [what, status, headers, kind] of headAnswers) {
      it(`HeadBucket answered ${status} (${what}) is '${kind}' (${lean ? 'lean' : 'SDK'} path)`, async () => {
        const { client, store } = await storeOn((req, res) => res.writeHead(status, headers).end(), lean);
        expect(await kindOf(store.checkBucket(AbortSignal.timeout(20_000), { sseCUploads: false }))).toBe(kind);
        client.destroy();
      });
    }
  }

  it('an HTML page with a 200 for the versioning, or a cut one, is refused with a sentence', async () => {
    for (const body of ['<html><body>Sign in</body></html>', versioning('<Status>Enabled</Status>').slice(0, 60)]) {
      const { client, store } = await storeOn((req, res) =>
        req.method === 'HEAD'
          ? res.writeHead(200).end()
          : res.writeHead(200, { 'content-type': 'text/html' }).end(body),
      );
      await expect(store.checkBucket(AbortSignal.timeout(20_000), { sseCUploads: false })).rejects.toThrow(
        /versioning question .*check that the S3 endpoint/,
      );
      client.destroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    }
  });

  it('a versioning answer of 503 with an XML error is transient; AccessDenied names itself', async () => {
    for (const [status, code, kind] of [
      [503, 'SlowDown', 'transient'],
      [403, 'AccessDenied', 'access-denied'],
    ] as const) {
      const { client, store } = await storeOn((req, res) =>
        req.method === 'HEAD'
          ? res.writeHead(200).end()
          : xml(res, `<Error><Code>${code}</Code><Message>no</Message></Error>`, status),
      );
      const error = await store.checkBucket(AbortSignal.timeout(20_000), { sseCUploads: false }).catch((e) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect([(error as StoreError).kind, (error as StoreError).details.code]).toEqual([kind, code]);
      client.destroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    }
  });

  for (const lean of [true, false]) {
    it(`a server that answers every uploads page with the same markers stops with an error, not for ever (${lean ? 'lean' : 'SDK'} path)`, async () => {
      let requests = 0;
      const { client, store } = await storeOn((req, res) => {
        // Bounded so that code that loops fails this test instead of hanging it.
        if (++requests > 20) return xml(res, '<Error><Code>InvalidRequest</Code></Error>', 400);
        xml(
          res,
          uploadsPage(
            `<IsTruncated>true</IsTruncated>${upload(`k${requests}`, '1')}<NextKeyMarker>k</NextKeyMarker><NextUploadIdMarker>1</NextUploadIdMarker>`,
          ),
        );
      }, lean);
      await expect(store.listMultipartUploads!('', AbortSignal.timeout(20_000))).rejects.toThrow(/same markers/);
      expect(requests).toBe(2);
      client.destroy();
    });
  }

  it('a versioning answer that streams on without end is dropped past the bound, not held in memory', async () => {
    let sent = 0;
    const { client, store } = await storeOn((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(200).end();
      res.writeHead(200, { 'content-type': 'application/xml' });
      const chunk = Buffer.alloc(1 << 20, 'x');
      // Bounded so that code without a limit fails this test (a 'never' or a parse error) instead of filling memory.
      const more = () => {
        while (sent < 64 && res.write(chunk)) sent += 1;
        if (sent >= 64) return res.end();
        res.once('drain', () => ((sent += 1), more()));
      };
      res.on('error', () => {});
      more();
    });
    await expect(store.checkBucket(AbortSignal.timeout(20_000), { sseCUploads: false })).rejects.toThrow(
      /more than 32 MiB/,
    );
    expect(sent).toBeLessThan(64);
    client.destroy();
  });

  it('ListMultipartUploads answered 500 fails the call as transient (the engine retries, then warns)', async () => {
    const { client, store } = await storeOn((req, res) => xml(res, '<Error><Code>InternalError</Code></Error>', 500));
    expect(await kindOf(store.listMultipartUploads!('', AbortSignal.timeout(20_000)))).toBe('transient');
    client.destroy();
  });
});
