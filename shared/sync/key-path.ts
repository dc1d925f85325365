/**
 * The one mapping between S3 object keys and local paths of a sync folder.
 *
 * A key is taken relative to its folder's prefix (`PREFIX/REMOTE/`); what remains is the
 * "relative key". The mapping is the identity on accepted relative keys: the relative POSIX
 * path of the local file is the relative key itself, byte for byte (no percent-decoding, no
 * Unicode normalization, no case folding). `%`, `+`, `#`, spaces and any other printable
 * Unicode are ordinary characters on both sides.
 *
 * A relative key is accepted only if every `/`-separated component is:
 * - non-empty, and neither `.` nor `..` (so no `//`, no leading `/`, no trailing `/` except
 *   on a folder marker, no way out of the folder);
 * - free of `\` (a separator on Windows), NUL, C0/C1 control characters and DEL;
 * - well-formed Unicode (no lone surrogates: they cannot be stored as UTF-8 and back);
 * - not `.traindeck` as the first component (reserved: the engine's own state and temp files,
 *   should a folder be the data folder itself or live on another disk);
 * - at most {@link NAME_MAX_BYTES} bytes in UTF-8 (Linux NAME_MAX). The engine never appends
 *   to a user's name: its temp files live under `LOCALROOT/.traindeck/tmp/` with names of their
 *   own, so a 255-byte name can be pulled as well as pushed.
 * A key ending in `/` is a folder marker (what consoles create for "folders"): an empty one is
 * ignored (folders exist locally as soon as a file needs them); one holding bytes is rejected,
 * since no local file can stand for it.
 *
 * Injectivity: accepted keys map to pairwise different paths because the map is the identity.
 * The file system decides whether different paths are different files: Linux file systems
 * compare names byte for byte, so `é` (NFC) and `e`+`◌́` (NFD), or `A` and `a`, are two files
 * there. File systems that fold Unicode normalization (macOS) or case (macOS, Windows) would
 * store such twins as one file, so the planner groups names by {@link foldFor} of the platform
 * and rejects every member of a group with more than one name, never picking one silently.
 *
 * Local names go the other way through {@link keyForLocalPath} with the same rules (a name
 * read from disk that is not valid UTF-8 cannot become a key and is rejected by the scanner),
 * plus the S3 limit of {@link KEY_MAX_BYTES} bytes for the whole key.
 */

/** Longest file-name component Linux file systems store (NAME_MAX), in bytes. */
export const NAME_MAX_BYTES = 255;

/** Longest S3 object key, in UTF-8 bytes. */
export const KEY_MAX_BYTES = 1024;

/** The top-level name the engine keeps for itself in a sync folder (and the data folder). */
export const RESERVED_NAME = '.traindeck';

/** What the mapping makes of one relative key. */
export type KeyMapping =
  | { kind: 'file'; relPath: string }
  /** An empty folder marker: nothing to sync, nothing to report. */
  | { kind: 'marker' }
  | { kind: 'rejected'; reason: string };

/** UTF-8 length of a string, in bytes (a lone surrogate counts as the 3 bytes of U+FFFD, as Node writes it). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

// C0 controls (NUL included), DEL and C1 controls: what the mapping exists to refuse.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
// With the u flag, \p{Cs} matches only lone surrogates (a valid pair is one code point).
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why a relative path (relative key or local relative path, `/`-separated) cannot be synced,
 * or undefined when it can. Shared by both directions so that they accept exactly the same set.
 */
export function pathProblem(relPath: string): string | undefined {
  if (relPath.length === 0) return 'it is empty';
  const components = relPath.split('/');
  if (components[0] === RESERVED_NAME) {
    return `its first folder "${RESERVED_NAME}" is reserved for TrainDeck's own files`;
  }
  for (const component of components) {
    if (component === '') return 'it has an empty path segment ("//", or a leading or trailing "/")';
    if (component === '.' || component === '..') return `it has a "${component}" path segment`;
    if (component.includes('\\')) return 'it contains a backslash';
    if (CONTROL.test(component)) return 'it contains a control character';
    if (LONE_SURROGATE.test(component)) return 'it is not valid Unicode';
    const bytes = utf8Bytes(component);
    if (bytes > NAME_MAX_BYTES) {
      return `its name "${component.slice(0, 24)}…" is ${bytes} bytes long, more than a file name can be (${NAME_MAX_BYTES})`;
    }
  }
  return undefined;
}

/**
 * Maps a key relative to its folder prefix (the key minus `PREFIX/REMOTE/`) and the object's
 * size to what the engine does with it. Total: every string gets a verdict, never an exception.
 */
export function mapObjectKey(relKey: string, size: number): KeyMapping {
  if (relKey === '' || relKey.endsWith('/')) {
    const dir = relKey.slice(0, -1);
    if (size > 0) return { kind: 'rejected', reason: `it is a folder marker (ends with "/") holding ${size} bytes` };
    if (relKey === '') return { kind: 'marker' };
    const problem = pathProblem(dir);
    return problem ? { kind: 'rejected', reason: problem } : { kind: 'marker' };
  }
  const problem = pathProblem(relKey);
  return problem ? { kind: 'rejected', reason: problem } : { kind: 'file', relPath: relKey };
}

/**
 * The object key of a local file (relative POSIX path) under `folderPrefix` (`PREFIX/REMOTE/`),
 * or why it cannot have one. The inverse of {@link mapObjectKey} on accepted names.
 */
export function keyForLocalPath(
  folderPrefix: string,
  relPath: string,
): { ok: true; key: string } | { ok: false; reason: string } {
  const problem = pathProblem(relPath);
  if (problem) return { ok: false, reason: problem };
  const key = folderPrefix + relPath;
  const bytes = utf8Bytes(key);
  if (bytes > KEY_MAX_BYTES) {
    return { ok: false, reason: `its object key would be ${bytes} bytes long, more than S3 allows (${KEY_MAX_BYTES})` };
  }
  return { ok: true, key };
}

/** How a file system compares names: exactly (Linux), or folding Unicode normalization and case. */
export type NameFold = (relPath: string) => string;

/**
 * The name comparison of the usual file system of a platform (`process.platform`): Linux
 * compares bytes; macOS (APFS/HFS+) folds Unicode normalization and, by default, case;
 * Windows (NTFS) folds case. Folding more than a file system does only rejects more twins.
 */
export function foldFor(platform: string): NameFold {
  if (platform === 'linux') return (relPath) => relPath;
  return (relPath) => relPath.normalize('NFC').toLowerCase();
}

/**
 * The names of `relPaths` that the file system would store as one file with another, different
 * name of the set (same fold, different string). Empty on Linux.
 */
export function foldTwins(relPaths: Iterable<string>, fold: NameFold): Map<string, string> {
  const byFold = new Map<string, string[]>();
  for (const relPath of new Set(relPaths)) {
    // Folding per path component would be more exact; the whole path folds at least as much.
    const folded = fold(relPath);
    const group = byFold.get(folded);
    if (group) group.push(relPath);
    else byFold.set(folded, [relPath]);
  }
  const twins = new Map<string, string>();
  for (const group of byFold.values()) {
    if (group.length > 1) {
      for (const relPath of group) {
        twins.set(
          relPath,
          group.find((other) => other !== relPath)!,
        );
      }
    }
  }
  return twins;
}
