import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { ListedObject } from './ports/object-store';
import { blocksSseC } from './s3-bucket-encryption';
import { parseListPage } from './s3-list-page';

// The lean listing reads S3's XML with a few regular expressions. Invariant: whatever keys and
// ETags S3 escapes into a page, the page reads back as exactly those objects, in order, and a
// page that says it goes on names its next token (else it throws: no endless listing).
const escape = (text: string, numeric: boolean) =>
  text.replace(/[&<>"'\t\r]/g, (c) =>
    numeric
      ? `&#${c.charCodeAt(0)};`
      : ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }[c] ??
        `&#x${c.charCodeAt(0).toString(16)};`),
  );

function page(objects: ListedObject[], options: { numeric?: boolean; next?: string } = {}): string {
  const numeric = options.numeric ?? false;
  const contents = objects
    .map(
      (o) =>
        `<Contents><Key>${escape(o.key, numeric)}</Key><LastModified>${new Date(o.lastModifiedMs).toISOString()}</LastModified>` +
        `<ETag>${escape(o.etag, numeric)}</ETag><Size>${o.size}</Size>` +
        `<Owner><ID>u</ID><DisplayName>Key &amp; Size</DisplayName></Owner>` +
        (o.storageClass ? `<StorageClass>${o.storageClass}</StorageClass>` : '') +
        `</Contents>`,
    )
    .join('');
  const truncated = options.next !== undefined;
  return (
    `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>b</Name><Prefix>p/</Prefix><KeyCount>${objects.length}</KeyCount><MaxKeys>1000</MaxKeys>` +
    `<IsTruncated>${truncated}</IsTruncated>${contents}` +
    (truncated ? `<NextContinuationToken>${escape(options.next!, numeric)}</NextContinuationToken>` : '') +
    `</ListBucketResult>`
  );
}

const object: fc.Arbitrary<ListedObject> = fc
  .record({
    // Any key S3 can list in XML: non-empty, no lone surrogates, no control characters XML 1.0 forbids.
    key: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
      .filter((k) => ![...k].some((c) => c < ' ' && !'\t\n\r'.includes(c))),
    size: fc.nat(),
    etag: fc.stringMatching(/^"[0-9a-f]{32}(-[0-9]{1,4})?"$/),
    lastModifiedMs: fc.integer({ min: 0, max: Date.UTC(2100, 0) }).map((ms) => Math.floor(ms / 1000) * 1000),
    storageClass: fc.constantFrom('INTELLIGENT_TIERING', 'STANDARD', ''),
  })
  .map(({ storageClass, ...rest }) => (storageClass ? { ...rest, storageClass } : rest));

describe('parseListPage', () => {
  it('reads back exactly the objects and token S3 escaped into a page (named or numeric references)', () => {
    fc.assert(
      fc.property(
        fc.array(object, { maxLength: 8 }),
        fc.option(
          fc.string({ minLength: 1, maxLength: 40 }).filter((t) => ![...t].some((c) => c < ' ')),
          { nil: undefined },
        ),
        fc.boolean(),
        (objects, next, numeric) => {
          const parsed = parseListPage(page(objects, { numeric, ...(next !== undefined ? { next } : {}) }));
          expect(parsed.objects).toEqual(objects);
          expect(parsed.next).toBe(next);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('keeps spaces at the ends of a key and takes <Key/> as a key to skip (a bucket-root marker)', () => {
    const xml = page([{ key: ' a b ', size: 1, etag: '"e"', lastModifiedMs: 0 }]).replace(
      '</ListBucketResult>',
      '<Contents><Key/><Size>0</Size></Contents></ListBucketResult>',
    );
    expect(parseListPage(xml).objects.map((o) => o.key)).toEqual([' a b ']);
  });

  it('refuses an answer that is not a listing, and a truncated page without a token', () => {
    expect(() => parseListPage('<html><body>502 Bad Gateway</body></html>')).toThrow(/not one/);
    const truncated = page([]).replace('<IsTruncated>false</IsTruncated>', '<IsTruncated>true</IsTruncated>');
    expect(() => parseListPage(truncated)).toThrow(/no token/);
  });
});

describe('blocksSseC', () => {
  const config = (types: string[]) =>
    `<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>` +
    `<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>` +
    `<BlockedEncryptionTypes>${types.map((t) => `<EncryptionType>${t}</EncryptionType>`).join('')}</BlockedEncryptionTypes>` +
    `</Rule></ServerSideEncryptionConfiguration>`;

  it('is true only for a configuration whose rule blocks SSE-C', () => {
    expect(blocksSseC(config(['SSE-C']))).toBe(true);
    expect(blocksSseC(config(['NONE']))).toBe(false);
    expect(blocksSseC(config([]))).toBe(false);
    expect(blocksSseC(config(['NONE', 'SSE-C']))).toBe(true);
  });

  it("is false for Ceph's answer, a listing of the bucket (even one holding a key named like the rule)", () => {
    const key = '<BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType></BlockedEncryptionTypes>';
    expect(blocksSseC(page([{ key, size: 1, etag: '"e"', lastModifiedMs: 0 }]))).toBe(false);
  });
});
