/** The S3 key prefix of a folder: `PREFIX/REMOTE/` (no leading slash when PREFIX is empty). */
export function folderPrefix(prefix: string, remote: string): string {
  return [prefix, remote].filter((part) => part.length > 0).join('/') + '/';
}
