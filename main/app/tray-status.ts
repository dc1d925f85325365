import type { JobSnapshot } from '../../shared/domain/job';

/** What the tray shows: an icon variant, the status line of its menu, and the tooltip. */
export interface TrayStatus {
  icon: 'idle' | 'active' | 'alert';
  /** The menu's status line. Changes only when a job starts, ends or fails: the menu is rebuilt then. */
  label: string;
  /** Hover text, with the running job's current step; updated without rebuilding the menu. */
  tooltip: string;
}

/**
 * Derives the tray's status from the jobs main knows. Pure (no electron) so it is unit
 * tested; a failed job keeps the alert icon until a newer job starts. The step text (which
 * changes often during a run) is only in the tooltip: rebuilding a context menu on every step
 * closes it under the user's pointer on some desktops.
 */
export function trayStatus(jobs: readonly JobSnapshot[]): TrayStatus {
  const running = jobs.filter((job) => job.state === 'running');
  const [first] = running;
  if (first) {
    const label = running.length === 1 ? first.title : `${running.length} tasks running`;
    const step = running.length === 1 && first.step ? ` — ${first.step}` : '';
    return { icon: 'active', label, tooltip: `TrainDeck — ${label}${step}` };
  }
  const last = jobs.at(-1);
  if (last?.state === 'failed') {
    const label = `Failed: ${last.title}`;
    return { icon: 'alert', label, tooltip: `TrainDeck — ${label}` };
  }
  return { icon: 'idle', label: 'No run in progress', tooltip: 'TrainDeck — No run in progress' };
}

/** True when the tray's menu must be rebuilt to show `next` (its icon or status line changed). */
export function menuChanged(shown: TrayStatus | undefined, next: TrayStatus): boolean {
  return !shown || shown.icon !== next.icon || shown.label !== next.label;
}
