import type { BucketFacts, MultipartUploadInfo } from './ports/object-store';
import { xmlText } from './s3-lean-requests';

// The bucket-level answers a sync reads on the lean path (GetBucketVersioning, ListMultipartUploads),
// read from their flat XML as `parseListPage` reads a listing, so that a pull sends no request
// through the SDK. An answer that is not the one asked for (a proxy's HTML page with a 200, a
// truncated body) is refused with a sentence, never read as "nothing there".

const NOT_S3 = 'check that the S3 endpoint is S3 or an S3-compatible server, and that no proxy rewrites its answers';

/** GetBucketVersioning's state: no Status element is a bucket whose versioning was never turned on. */
export function parseVersioning(xml: string): BucketFacts['versioning'] {
  // Ends with its closing tag: a body cut short (a connection closed mid-answer) must not read as 'never'.
  if (!/<VersioningConfiguration[^>]*\/>|<\/VersioningConfiguration>\s*$/.test(xml)) {
    throw new Error(
      `S3 answered the bucket's versioning question with something that is not an answer to it: ${NOT_S3}`,
    );
  }
  const status = xmlText(xml, 'Status')?.trim();
  if (status === 'Enabled') return 'enabled';
  if (status === 'Suspended') return 'suspended';
  if (status === undefined || status === '') return 'never';
  throw new Error(`S3 answered the bucket's versioning question with the state '${status}': ${NOT_S3}`);
}

/** One page of a ListMultipartUploads answer and, when truncated, the markers of the next. */
export interface UploadsPage {
  uploads: MultipartUploadInfo[];
  next?: { keyMarker: string; uploadIdMarker: string };
}

/**
 * Reads a ListMultipartUploads answer (no `encoding-type`: keys come as XML text). An upload the
 * parser cannot read fails the page rather than being left out or given a made-up time: the orphan
 * cleanup aborts another machine's upload only once it is a day old, so an unreadable initiation
 * time must not become 0 (the oldest time there is).
 */
export function parseUploadsPage(xml: string): UploadsPage {
  // Ends with its closing tag: a body cut short between two uploads must not read as all of them.
  if (!/<ListMultipartUploadsResult[\s>]/.test(xml) || !/<\/ListMultipartUploadsResult>\s*$/.test(xml)) {
    throw new Error(`S3 answered a listing of unfinished uploads with something that is not one: ${NOT_S3}`);
  }
  const blocks = [...xml.matchAll(/<Upload>([\s\S]*?)<\/Upload>/g)];
  // Keys are escaped, so every '<Upload' (not '<UploadId…') is markup: one not read as a block would be left out.
  if ((xml.match(/<Upload[\s/>]/g)?.length ?? 0) !== blocks.length) {
    throw new Error(`S3 answered a listing of unfinished uploads with an Upload element that is not plain: ${NOT_S3}`);
  }
  const uploads = blocks.map(([, block]) => {
    const key = xmlText(block!, 'Key');
    const uploadId = xmlText(block!, 'UploadId');
    const initiated = xmlText(block!, 'Initiated');
    const initiatedMs = Date.parse(initiated ?? '');
    if (!key || !uploadId || Number.isNaN(initiatedMs)) {
      throw new Error(
        `S3 answered a listing of unfinished uploads with an upload whose key, id or initiation time ('${initiated ?? ''}') cannot be read: ${NOT_S3}`,
      );
    }
    return { key, uploadId, initiatedMs };
  });
  const truncated = xmlText(xml, 'IsTruncated')?.trim() ?? 'false';
  if (truncated !== 'true' && truncated !== 'false') {
    throw new Error(`S3 answered a listing of unfinished uploads with IsTruncated '${truncated}': ${NOT_S3}`);
  }
  if (truncated === 'false') return { uploads };
  const keyMarker = xmlText(xml, 'NextKeyMarker') ?? '';
  const uploadIdMarker = xmlText(xml, 'NextUploadIdMarker') ?? '';
  if (!keyMarker) {
    throw new Error('S3 said the listing of unfinished uploads goes on but gave no marker for the next page');
  }
  return { uploads, next: { keyMarker, uploadIdMarker } };
}
