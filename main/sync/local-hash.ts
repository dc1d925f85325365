import type { LocalFile } from '../../shared/sync/types';
import { sha256File } from './hash-file';
import type { CachedHash } from './sync-state';

/**
 * A file's SHA-256, from the cache when size and mtime are unchanged, else by reading it (and
 * caching). `deep` always reads: a file changed with its mtime put back (bit rot, a tool that
 * restores times) keeps size and mtime, so only its bytes can tell.
 */
export async function localSha256(
  path: string,
  file: LocalFile,
  cache: Record<string, CachedHash>,
  signal?: AbortSignal,
  deep = false,
): Promise<string> {
  const cached = cache[file.relPath];
  if (!deep && cached && cached.size === file.size && cached.mtimeMs === file.mtimeMs) return cached.sha256;
  const sha256 = await sha256File(path, signal ? { signal } : {});
  cache[file.relPath] = { size: file.size, mtimeMs: file.mtimeMs, sha256 };
  return sha256;
}
