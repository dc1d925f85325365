/** The S3 key prefix of a folder: `PREFIX/REMOTE/` (no leading slash when PREFIX is empty). */
export function folderPrefix(prefix: string, remote: string): string {
  return [prefix, remote].filter((part) => part.length > 0).join('/') + '/';
}

/** The S3 key of a file in a folder. Local paths use "/" on every platform. */
export function objectKey(prefix: string, remote: string, relPath: string): string {
  return folderPrefix(prefix, remote) + relPath;
}
