import { stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { TypedError } from '../../shared/ipc/result';
import { formatBytes } from '../../shared/report/format';
import type { SyncPlan } from '../../shared/sync/types';
import type { SyncSpec } from './sync-spec';

/** Headroom kept free beyond what a pull downloads: file system metadata, logs written meanwhile. */
export const FREE_SPACE_MARGIN_BYTES = 64 * 1024 * 1024;

/** What a pull needs on the tightest disk it writes to, and what that disk has. */
export interface FreeSpace {
  /** Bytes the pull downloads to that disk. */
  downloadBytes: number;
  /** Those plus the margin and the reserve. */
  needBytes: number;
  freeBytes: number;
  /** A folder on that disk. */
  path: string;
}

/**
 * The free space a pull of `plan` needs and finds, per disk it writes to, for the tightest one:
 * what it downloads there (files being replaced are counted in full: the old copy stays until
 * the new one is complete), plus {@link FREE_SPACE_MARGIN_BYTES} when it downloads anything,
 * plus `reserveBytes` (room the caller wants left, e.g. for training). Folders on the same file
 * system are added up. The one home of this figure: the engine checks every pull with it, and
 * the executor reports it.
 */
export async function freeSpaceFor(plan: SyncPlan, spec: SyncSpec, reserveBytes = 0): Promise<FreeSpace> {
  const disks = new Map<number, { path: string; download: number }>();
  for (const folder of plan.folders) {
    const download = folder.actions.filter((a) => a.type === 'download').reduce((sum, a) => sum + a.bytes, 0);
    const local = spec.folders.find((f) => f.name === folder.folder)?.local;
    if (local === undefined) continue;
    const path = await existingAncestor(join(spec.localRoot, local));
    const dev = (await stat(path)).dev;
    const disk = disks.get(dev) ?? { path, download: 0 };
    disk.download += download;
    disks.set(dev, disk);
  }
  if (disks.size === 0) disks.set(0, { path: await existingAncestor(spec.localRoot), download: 0 });
  let tightest: FreeSpace | undefined;
  for (const { path, download } of disks.values()) {
    const fs = await statfs(path);
    const freeBytes = fs.bavail * fs.bsize;
    const needBytes = download + (download > 0 ? FREE_SPACE_MARGIN_BYTES : 0) + reserveBytes;
    if (!tightest || freeBytes - needBytes < tightest.freeBytes - tightest.needBytes) {
      tightest = { downloadBytes: download, needBytes, freeBytes, path };
    }
  }
  return tightest!;
}

/** Refuses a pull, before it moves a byte, when a disk it writes to lacks the room {@link freeSpaceFor} counts. */
export async function checkFreeSpace(plan: SyncPlan, spec: SyncSpec, reserveBytes = 0): Promise<void> {
  const { downloadBytes, needBytes, freeBytes, path } = await freeSpaceFor(plan, spec, reserveBytes);
  if (needBytes > freeBytes) {
    throw new TypedError(
      'INVALID_REQUEST',
      `Not enough free space for the pull: it needs ${formatBytes(needBytes)} on the disk of ${path} (${formatBytes(downloadBytes)} to download + ${formatBytes(needBytes - downloadBytes)} kept free), which has ${formatBytes(freeBytes)} free.`,
      {
        fix: 'Free up space on that disk, pull fewer folders (--folder NAME), or point storage.localRoot at a larger disk.',
      },
    );
  }
}

/** The nearest folder of `path` that exists (a pull creates the rest). */
async function existingAncestor(path: string): Promise<string> {
  for (let current = path; ; current = dirname(current)) {
    const exists = await stat(current).then(
      () => true,
      () => false,
    );
    if (exists || dirname(current) === current) return current;
  }
}
