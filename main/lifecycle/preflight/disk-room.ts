import type { PreflightCheck } from '../../../shared/domain/preflight';
import { logsFolderOf } from '../../../shared/executor/run-folders';
import { formatBytes } from '../../../shared/report/format';
import type { RunConfig } from '../../../shared/run-config/schema';
import type { ObjectStore } from '../../aws/ports/object-store';
import { shellQuote } from '../../host/shell-quote';
import { FREE_SPACE_MARGIN_BYTES } from '../../sync/free-space';
import { check } from './check';

const GIB = 1024 ** 3;

/**
 * What a run's first pull brings to the machine: every object of every synced folder under the
 * prefix (datasets, models, checkpoints), sizes from a listing; the logs folder is left out (a
 * run pulls only its own logs, and a new run has none), plus the training's reserve and the
 * sync engine's margin, as the executor's own disk check counts them.
 */
export async function bytesToPull(
  config: RunConfig,
  store: ObjectStore,
  signal?: AbortSignal,
): Promise<{ pullBytes: number; needBytes: number }> {
  const logs = logsFolderOf(config.storage.folders);
  let pullBytes = 0;
  for (const folder of config.storage.folders.filter((f) => f !== logs)) {
    const remote = [config.storage.prefix, folder.remote].filter(Boolean).join('/');
    for (const object of await store.list(`${remote}/`, signal)) pullBytes += object.size;
  }
  const reserve = (config.training?.diskReserveMb ?? 1024) * 1024 * 1024;
  return { pullBytes, needBytes: pullBytes + reserve + (pullBytes > 0 ? FREE_SPACE_MARGIN_BYTES : 0) };
}

/** The disk-room line: the figures either way, and when it does not fit, the fix. */
export function diskRoomCheck(
  figures: { pullBytes: number; needBytes: number; freeBytes: number; where: string },
  fix: string,
): PreflightCheck {
  const { pullBytes, needBytes, freeBytes, where } = figures;
  const sums = `${formatBytes(pullBytes)} to pull + ${formatBytes(needBytes - pullBytes)} reserve and margin`;
  if (needBytes > freeBytes) {
    return check(
      'disk',
      'Disk room',
      'fail',
      `${sums} need more than the ${formatBytes(freeBytes)} free ${where}`,
      fix,
    );
  }
  return check('disk', 'Disk room', 'pass', `${sums} fit in the ${formatBytes(freeBytes)} free ${where}`);
}

/**
 * EC2: the root volume of `compute.diskGb` minus what the image itself takes (its snapshot size,
 * the most its files can fill), against what the run pulls. The fix names the size that fits.
 */
export function ec2DiskRoom(
  config: RunConfig,
  imageGb: number,
  figures: { pullBytes: number; needBytes: number },
): PreflightCheck {
  const diskGb = config.compute?.diskGb ?? 100;
  const freeBytes = Math.max(0, (diskGb - imageGb) * GIB);
  const fitsGb = Math.ceil(figures.needBytes / GIB) + imageGb;
  return diskRoomCheck(
    { ...figures, freeBytes, where: `on a ${diskGb} GiB disk whose image takes up to ${imageGb} GiB` },
    `Set compute.diskGb to ${fitsGb} or more, or pull less (fewer datasets under the prefix, or a lower training.diskReserveMb).`,
  );
}

/** The POSIX shell line that prints the free KiB of the file system holding `folder` (or its nearest existing parent). */
export function freeKibCommand(folder: string): string {
  return `d=${shellQuote(folder)}; while [ ! -e "$d" ]; do d=$(dirname "$d"); done; df -Pk "$d" | awk 'NR==2 {print $4}'`;
}
