import type { ListedObject } from './ports/object-store';
import { lastModifiedMs } from './s3-last-modified';
import { xmlText } from './s3-lean-requests';

/** One page of a ListObjectsV2 answer: its objects and, when truncated, the token of the next page. */
export interface ListPage {
  objects: ListedObject[];
  next?: string;
}

/**
 * Reads a ListObjectsV2 answer's XML (no `encoding-type`: keys come as XML text). A few regular
 * expressions over a known, flat shape instead of the SDK's general XML parser, which cost
 * ~0.1 ms of JavaScript per listed object (the largest single cost of planning 2,000 small
 * files). Values are taken exactly as sent (no trimming), entities decoded. Throws when the
 * answer is not a listing, or says it is truncated without a token (no endless loop).
 */
export function parseListPage(xml: string): ListPage {
  if (!/<ListBucketResult[\s>]/.test(xml)) throw new Error('S3 answered a listing with something that is not one');
  // A body cut short between two objects (a connection closed mid-answer, without a length to tell)
  // would otherwise read as a whole page: the objects after the cut would be taken for deleted.
  if (!/<\/ListBucketResult>\s*$/.test(xml)) {
    throw new Error(UNREADABLE('a page cut short (no closing ListBucketResult)'));
  }
  const objects: ListedObject[] = [];
  const blocks = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)];
  // Keys are escaped, so every '<Contents' is markup: one not read as a block would be an object left out.
  if ((xml.match(/<Contents[\s/>]/g)?.length ?? 0) !== blocks.length) {
    throw new Error(UNREADABLE('a Contents element that is not plain <Contents>…</Contents>'));
  }
  for (const [, block] of blocks) {
    const key = xmlText(block!, 'Key');
    // An object left out would read as deleted remotely: a key this parser cannot read (CDATA, markup) fails the listing.
    if (key === undefined) throw new Error(UNREADABLE('an object whose key is not plain XML text'));
    // Folder markers ("dir/") are listed too: the engine's key↔path mapping decides (shared/sync/key-path).
    if (!key) continue;
    const storageClass = xmlText(block!, 'StorageClass');
    objects.push({
      key,
      size: byteCount(xmlText(block!, 'Size')),
      etag: xmlText(block!, 'ETag') ?? '',
      lastModifiedMs: lastModifiedMs(xmlText(block!, 'LastModified'), key),
      ...(storageClass ? { storageClass } : {}),
    });
  }
  // Whitespace around a value is allowed (pretty-printed XML); anything but true/false would end a listing early.
  const truncated = xmlText(xml, 'IsTruncated')?.trim() ?? 'false';
  if (truncated !== 'true' && truncated !== 'false') throw new Error(UNREADABLE(`IsTruncated '${truncated}'`));
  if (truncated === 'false') return { objects };
  const next = xmlText(xml, 'NextContinuationToken');
  if (!next) throw new Error('S3 said the listing goes on but gave no token for the next page');
  return { objects, next };
}

const UNREADABLE = (what: string) =>
  `S3 answered a listing with ${what}, which no S3 sends: check that the S3 endpoint is S3 or an S3-compatible server, and that no proxy rewrites its answers`;

/** A listed object's size: absent is 0 (as the SDK reads it); anything but a whole number of bytes is refused. */
function byteCount(text: string | undefined): number {
  if (text === undefined) return 0;
  const size = Number(text.trim());
  if (!/^\s*[0-9]+\s*$/.test(text) || !Number.isSafeInteger(size)) throw new Error(UNREADABLE(`the size '${text}'`));
  return size;
}
