import type { SyncFolderVerification } from '../../shared/domain/run-sync';
import type { SyncFolder } from '../../shared/run-config/schema';
import { folderPrefix } from '../../shared/sync/keys';
import type { ManifestFile } from '../../shared/sync/types';

/**
 * Splits a verification by folder: files checked under each folder's prefix and the problem
 * keys among them. A key belongs to the folder with the longest matching prefix (folders may
 * nest in S3).
 */
export function verificationByFolder(
  expected: readonly ManifestFile[],
  problemKeys: readonly string[],
  folders: readonly SyncFolder[],
  prefix: string,
): SyncFolderVerification[] {
  const prefixes = folders
    .map((folder) => ({ folder, prefix: folderPrefix(prefix, folder.remote) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const owner = (key: string) => prefixes.find((p) => key.startsWith(p.prefix))?.folder.name;
  const count = (keys: Iterable<string>) => {
    const counts = new Map<string, number>();
    for (const key of keys) {
      const name = owner(key);
      if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  };
  const checked = count(expected.map((f) => f.key));
  const problems = count(problemKeys);
  return folders.map((folder) => {
    const mismatches = problems.get(folder.name) ?? 0;
    return {
      folder: folder.name,
      policy: folder.policy,
      ok: mismatches === 0,
      checked: checked.get(folder.name) ?? 0,
      mismatches,
    };
  });
}
