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
