/**
 * An object's Last-Modified as S3 answered it (a listing's `LastModified`, a GET's or HEAD's
 * header), in ms. Missing or unreadable, it is refused rather than read as 0: the oldest time
 * there is would make TrainDeck take the object for the older copy (a downloaded file without a
 * recorded mtime gets it as its own) and overwrite or skip the wrong side.
 */
export function lastModifiedMs(value: string | Date | undefined, key: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value ?? '');
  if (value !== undefined && !Number.isNaN(ms)) return ms;
  const said = value === undefined ? 'no Last-Modified' : `the Last-Modified '${String(value)}'`;
  throw new Error(
    `S3 answered for ${key} with ${said}, which no S3 sends, so nothing was synced by it. Check that the endpoint is S3 or an S3-compatible server and that no proxy rewrites its answers, then sync again.`,
  );
}
