import type { SyncFolderStatus, SyncFolderVerified } from '../../../../../shared/domain/run-sync';
import { formatBytes } from '../../../../../shared/report/format';
import type { BadgeTone } from '../../../components/badge';

/** How each direction is titled above its folders. */
export const DIRECTION_TITLES = { pull: 'Pull · S3 → machine', push: 'Push · machine → S3' } as const;

/** "3 / 10" files. */
export function filesText(f: SyncFolderStatus): string {
  return `${f.filesDone} / ${f.filesTotal}`;
}

/** Bytes done and total ("1.2 GiB", "3.4 GiB"), or one figure once they are equal. */
export function bytesParts(f: SyncFolderStatus): string[] {
  const done = formatBytes(f.bytesDone);
  return f.bytesDone === f.bytesTotal ? [done] : [done, formatBytes(f.bytesTotal)];
}

/** The live rate, or the average of a finished folder; a dash when nothing moved. */
export function rateText(f: SyncFolderStatus): string {
  return f.bytesPerSecond > 0 ? `${formatBytes(f.bytesPerSecond)}/s` : '—';
}

/** The state as a badge: a folder with nothing to move is up to date; one still running when the run ended stopped. */
export function stateBadge(f: SyncFolderStatus, ended: boolean): { label: string; tone: BadgeTone } {
  if (f.state === 'failed') return { label: f.failures ? `${f.failures} failed` : 'Failed', tone: 'danger' };
  if (f.state === 'running') return ended ? { label: 'Stopped', tone: 'neutral' } : { label: 'Moving', tone: 'info' };
  return f.filesTotal === 0 ? { label: 'Up to date', tone: 'neutral' } : { label: 'Done', tone: 'success' };
}

/** "3 verified", "1 mismatch · 3 checked" (a file missing on one side counts too), "nothing to check". */
export function verifiedText(v: SyncFolderVerified): string {
  if (!v.ok) return `${v.mismatches} ${v.mismatches === 1 ? 'mismatch' : 'mismatches'} · ${v.checked} checked`;
  return v.checked === 0 ? 'nothing to check' : `${v.checked} verified`;
}

/**
 * One line per direction once every folder moved and nothing failed ("Pull done · 130 files ·
 * 15.9 GiB · 128 verified"): the table is then folded to this. Undefined while data moves, after a
 * failure, or before any figure.
 */
export function settledSummary(sync: Partial<Record<'pull' | 'push', SyncFolderStatus[]>> | undefined) {
  const directions = (['pull', 'push'] as const).filter((d) => (sync?.[d]?.length ?? 0) > 0);
  if (!directions.length) return undefined;
  const lines: string[] = [];
  for (const direction of directions) {
    const folders = sync?.[direction] ?? [];
    if (folders.some((f) => f.state !== 'done' || f.failures > 0 || f.verified?.ok === false)) return undefined;
    const files = folders.reduce((n, f) => n + f.filesDone, 0);
    const bytes = folders.reduce((n, f) => n + f.bytesDone, 0);
    const verified = folders.reduce((n, f) => n + (f.verified?.checked ?? 0), 0);
    lines.push(
      `${direction === 'pull' ? 'Pull' : 'Push'} done · ${files} ${files === 1 ? 'file' : 'files'} · ${formatBytes(bytes)}${verified ? ` · ${verified} verified` : ''}`,
    );
  }
  return lines;
}
