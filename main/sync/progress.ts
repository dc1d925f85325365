import type { SyncAction, SyncProgress } from '../../shared/sync/types';

/** Rate is averaged over this window: smooth enough to read, quick enough to follow changes. */
const RATE_WINDOW_MS = 5_000;

/** Counts files and bytes per folder and derives rate and ETA. */
export class ProgressTracker {
  private readonly folders: SyncProgress['folders'] = {};
  private filesDone = 0;
  private bytesDone = 0;
  private readonly filesTotal: number;
  private readonly bytesTotal: number;
  private readonly samples: Array<{ at: number; bytes: number }> = [];

  constructor(
    actions: readonly SyncAction[],
    private readonly now: () => number = Date.now,
  ) {
    const moving = actions.filter((a) => a.type !== 'skip');
    this.filesTotal = moving.length;
    this.bytesTotal = moving.reduce((sum, a) => sum + a.bytes, 0);
    for (const action of moving) {
      const folder = (this.folders[action.folder] ??= { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 });
      folder.filesTotal += 1;
      folder.bytesTotal += action.bytes;
    }
    this.samples.push({ at: this.now(), bytes: 0 });
  }

  /** Bytes moved (negative when a retry starts a transfer over). */
  addBytes(folder: string, bytes: number): void {
    this.bytesDone += bytes;
    const entry = this.folders[folder];
    if (entry) entry.bytesDone += bytes;
    const at = this.now();
    this.samples.push({ at, bytes: this.bytesDone });
    while (this.samples.length > 2 && this.samples[0]!.at < at - RATE_WINDOW_MS) this.samples.shift();
  }

  /** One file finished (successfully or not). */
  fileDone(folder: string): void {
    this.filesDone += 1;
    const entry = this.folders[folder];
    if (entry) entry.filesDone += 1;
  }

  snapshot(): SyncProgress {
    const first = this.samples[0]!;
    const elapsed = (this.now() - first.at) / 1000;
    const bytesPerSecond = elapsed > 0 ? Math.max(0, (this.bytesDone - first.bytes) / elapsed) : 0;
    const remaining = this.bytesTotal - this.bytesDone;
    return {
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      bytesPerSecond: Math.round(bytesPerSecond),
      ...(bytesPerSecond > 0 && remaining > 0 ? { etaSeconds: Math.ceil(remaining / bytesPerSecond) } : {}),
      folders: structuredClone(this.folders),
    };
  }
}
