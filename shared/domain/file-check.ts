/**
 * What a local file a run names must be: any readable file, an SSH private key (a deploy key, a
 * login key), or another secret (the SSE-C key file, a secret variable's file), whose permissions
 * are looked at too.
 */
export type FileKind = 'file' | 'ssh-private-key' | 'secret';

/** The kinds, for schemas. */
export const FILE_KINDS = ['file', 'ssh-private-key', 'secret'] as const satisfies readonly FileKind[];

/**
 * Why a file is unusable (or, for `open-permissions`, usable with a warning), so the window can
 * say it in its own words at the field: `not-allowed` is main refusing to look (the trust gate),
 * said identically whether the file exists or not.
 */
export type FileCheckReason =
  | 'relative'
  | 'missing'
  | 'folder'
  | 'not-file'
  | 'unreadable'
  | 'not-private-key'
  | 'open-permissions'
  | 'not-allowed';

/** One path's verdict from main: usable, or why not; never a byte of its content. */
export interface FileCheck {
  path: string;
  ok: boolean;
  /** Set when not ok, and for a usable file with a warning. */
  reason?: FileCheckReason;
  /** Why not usable, as a short clause ("no such file", "is a public key: …"). */
  problem?: string;
  /** Usable, but worth saying ("other users may read it (mode 0644)"). */
  warning?: string;
}
