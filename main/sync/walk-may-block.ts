import { readFileSync } from 'node:fs';

/**
 * File systems whose lookups and opens of a cached folder answer from the kernel at once: the
 * write gate may walk them with synchronous calls on the main thread. Any other (NFS, SMB, FUSE
 * such as sshfs, 9p, virtiofs, Ceph, autofs) may wait on a server or a process that does not
 * answer, and a synchronous call would then freeze the whole process (every socket, timer and the
 * window's channel), not one pool thread.
 */
const ANSWERS_AT_ONCE = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'f2fs',
  'bcachefs',
  'jfs',
  'reiserfs',
  'nilfs2',
  'zfs',
  'tmpfs',
  'ramfs',
  'overlay',
  'vfat',
  'exfat',
]);

/** Re-read at most this often: a mount made while a sync runs is seen within a second. */
const MOUNTS_FRESH_MS = 1000;
/** The mounts as last read, and the answer for each root asked since (a pull asks for every file). */
let mounts: { readAt: number; text: string; answers: Map<string, boolean> } | undefined;

/**
 * True when a walk below `realRoot` may meet a file system that can keep a call waiting: the root
 * is on one that does not answer at once, or something is mounted below it (a mount point's own
 * open goes to its file system). From /proc/self/mountinfo (procfs: it asks no file system).
 */
export function walkMayBlock(realRoot: string, now = Date.now()): boolean {
  if (!mounts || now - mounts.readAt > MOUNTS_FRESH_MS) {
    mounts = { readAt: now, text: readFileSync('/proc/self/mountinfo', 'latin1'), answers: new Map() };
  }
  let answer = mounts.answers.get(realRoot);
  if (answer === undefined) mounts.answers.set(realRoot, (answer = walkMayBlockIn(mounts.text, realRoot)));
  return answer;
}

/** {@link walkMayBlock} over the text of a mountinfo file. */
export function walkMayBlockIn(mountinfo: string, realRoot: string): boolean {
  let holder = { at: '', type: '' };
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (fields.length < 5 || dash < 0) continue;
    const at = fields[4]!.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    const type = fields[dash + 1] ?? '';
    if (at.startsWith(`${realRoot}/`)) return true;
    const holds = at === realRoot || realRoot.startsWith(at === '/' ? '/' : `${at}/`);
    if (holds && at.length >= holder.at.length) holder = { at, type };
  }
  return !ANSWERS_AT_ONCE.has(holder.type);
}
