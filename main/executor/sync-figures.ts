import type { SyncFolderState, SyncFolderStatus } from '../../shared/domain/run-sync';
import type { SyncFolder } from '../../shared/run-config/schema';
import type { SyncEvent } from '../../shared/sync/events';
import type { SyncDirection, SyncProgress } from '../../shared/sync/types';

/**
 * Turns one sync's events into per-folder figures: files, bytes and the recent rate (from the
 * engine's progress), failures (from its failed files) and a state. The engine reports only
 * folders with something to move; the others are shown done with zero figures.
 */
export class SyncFigures {
  private readonly folders: SyncFolder[];
  private progress: SyncProgress['folders'] | undefined;
  private readonly failures = new Map<string, number>();
  private readonly doneAt = new Map<string, number>();
  private startedAt: number;
  private ended: 'done' | 'failed' | undefined;

  constructor(
    direction: SyncDirection,
    folders: readonly SyncFolder[],
    private readonly now: () => number = Date.now,
  ) {
    // A push never writes to a pull-only folder: it has no row there.
    this.folders = folders.filter((f) => direction === 'pull' || f.policy !== 'pull-only');
    this.startedAt = now();
  }

  /** Takes one engine event; true when the figures changed. */
  take(event: SyncEvent): boolean {
    if (event.type === 'plan') this.startedAt = this.now();
    else if (event.type === 'failed-file') this.failures.set(event.folder, (this.failures.get(event.folder) ?? 0) + 1);
    else if (event.type === 'progress') this.takeProgress(event.progress.folders);
    else if (event.type === 'summary') this.end(event.summary.cancelled || event.summary.failures.length > 0);
    return event.type === 'failed-file' || event.type === 'progress' || event.type === 'summary';
  }

  /** The sync is over: folders not finished by now failed (cancel, error). */
  end(failed: boolean): void {
    this.ended ??= failed ? 'failed' : 'done';
  }

  get isEnded(): boolean {
    return this.ended !== undefined;
  }

  /** Every folder with something to move has finished: the engine's last progress (the final line says the same). */
  get allFinished(): boolean {
    return this.progress !== undefined && Object.values(this.progress).every(finishedFigures);
  }

  /** Every folder of the direction, in the config's order. */
  snapshot(): SyncFolderStatus[] {
    const at = this.now();
    return this.folders.map((folder) => {
      const { bytesPerSecond, ...figures } = this.progress?.[folder.name] ?? {
        filesDone: 0,
        filesTotal: 0,
        bytesDone: 0,
        bytesTotal: 0,
        bytesPerSecond: 0,
      };
      const failures = this.failures.get(folder.name) ?? 0;
      const state = this.stateOf(figures, failures);
      return {
        folder: folder.name,
        policy: folder.policy,
        ...figures,
        bytesPerSecond: state === 'running' ? bytesPerSecond : this.averageOf(folder.name, figures.bytesDone, at),
        state,
        failures,
      };
    });
  }

  private takeProgress(folders: SyncProgress['folders']): void {
    const at = this.now();
    this.progress = folders;
    for (const [name, figures] of Object.entries(folders)) {
      if (finishedFigures(figures) && !this.doneAt.has(name)) this.doneAt.set(name, at);
    }
  }

  private stateOf(figures: Figures, failures: number): SyncFolderState {
    // Before the first progress nothing is known of the totals: the folder is still being planned.
    const finished = this.ended !== undefined || (this.progress !== undefined && finishedFigures(figures));
    if (!finished) return 'running';
    return failures > 0 || (this.ended === 'failed' && figures.filesDone < figures.filesTotal) ? 'failed' : 'done';
  }

  // A finished folder keeps its average, which says more in a finished run than a last burst.
  private averageOf(name: string, bytesDone: number, at: number): number {
    const seconds = ((this.doneAt.get(name) ?? at) - this.startedAt) / 1000;
    return seconds > 0 ? Math.round(bytesDone / seconds) : 0;
  }
}

type Figures = { filesDone: number; filesTotal: number; deletesDone?: number; deletesTotal?: number };

// Every transfer and every deletion of the folder is over.
function finishedFigures(f: Figures): boolean {
  return f.filesDone >= f.filesTotal && (f.deletesDone ?? 0) >= (f.deletesTotal ?? 0);
}
