import type { JobSnapshot } from '../../shared/domain/job';

/** What the tray shows: an icon variant and the status line of its menu. */
export interface TrayStatus {
  icon: 'idle' | 'active' | 'alert';
  label: string;
}

/**
 * Derives the tray's status from the jobs main knows. Pure (no electron) so it is unit
 * tested; a failed job keeps the alert icon until a newer job starts.
 */
export function trayStatus(jobs: readonly JobSnapshot[]): TrayStatus {
  const running = jobs.filter((job) => job.state === 'running');
  const [first] = running;
  if (first) {
    const step = first.step ? ` — ${first.step}` : '';
    return {
      icon: 'active',
      label: running.length === 1 ? `${first.title}${step}` : `${running.length} tasks running`,
    };
  }
  const last = jobs.at(-1);
  if (last?.state === 'failed') return { icon: 'alert', label: `Failed: ${last.title}` };
  return { icon: 'idle', label: 'No run in progress' };
}
