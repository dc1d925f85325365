import { StoreError } from './ports/object-store';

/**
 * Throws unless a ranged GET's answer is the range asked for: its Content-Range must name
 * exactly bytes `start`-`end` (a server or proxy that answers another range of the same length
 * would otherwise go unnoticed for objects without a recorded SHA-256, and be written at the
 * wrong offset), and its Content-Length, when known, must not be longer than the range. An answer without Content-Range is accepted only as the whole object, when the
 * range asked for starts at 0 and the answer has exactly the range's length (a 200 to a range
 * that covers the object).
 */
export function checkRangeAnswer(
  objectKey: string,
  range: { start: number; end: number },
  contentRange: string | undefined,
  contentLength: number | undefined,
): void {
  const asked = `bytes ${range.start}-${range.end}`;
  if (contentRange === undefined) {
    if (range.start === 0 && contentLength === range.end + 1) return;
    throw wrongRange(objectKey, asked, `the whole object (${contentLength ?? 'unknown'} bytes, no Content-Range)`);
  }
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange.trim());
  const answered = match ? `bytes ${Number(match[1])}-${Number(match[2])}` : undefined;
  const total = match?.[3] === '*' ? undefined : Number(match?.[3]);
  if (answered !== asked || (total !== undefined && range.end >= total)) {
    throw wrongRange(objectKey, asked, `Content-Range '${contentRange}'`);
  }
  // The range named, but a longer body announced: its bytes past the range would land on the next
  // range's. A shorter one is a body cut short (a proxy's doing): its bytes are the range's first, and
  // the download resumes after them.
  const length = range.end - range.start + 1;
  if (contentLength !== undefined && contentLength > length) {
    throw wrongRange(
      objectKey,
      asked,
      `Content-Range '${contentRange}' and a Content-Length of ${contentLength} bytes`,
    );
  }
}

function wrongRange(objectKey: string, asked: string, answered: string): StoreError {
  return new StoreError(
    'other',
    `S3 answered a read of ${asked} of ${objectKey} with ${answered}, so nothing of it was written. Check that the endpoint is S3 or an S3-compatible server and that no proxy rewrites its answers, then pull again.`,
    { key: objectKey },
  );
}
