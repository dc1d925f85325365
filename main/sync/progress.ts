import type { SyncAction, SyncProgress } from '../../shared/sync/types';

/** Rate is averaged over this window: smooth enough to read, quick enough to follow changes. */
const RATE_WINDOW_MS = 5_000;

/** A byte count sampled as it grows, read as bytes per second over the recent window. */
class RateWindow {
  private readonly samples: Array<{ at: number; bytes: number }>;

  constructor(at: number) {
    this.samples = [{ at, bytes: 0 }];
  }

  add(at: number, bytes: number): void {
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && this.samples[0]!.at < at - RATE_WINDOW_MS) this.samples.shift();
  }

  perSecond(at: number, bytes: number): number {
    const first = this.samples[0]!;
    const elapsed = (at - first.at) / 1000;
    return elapsed > 0 ? Math.max(0, (bytes - first.bytes) / elapsed) : 0;
  }
}

/** Counts files and bytes, in total and per folder, and derives rates and ETA. */
export class SyncProgressTracker {
  private readonly folders: Record<
    string,
    {
      filesDone: number;
      filesTotal: number;
      bytesDone: number;
      bytesTotal: number;
      deletesDone?: number;
      deletesTotal?: number;
    }
  > = {};
  private filesDone = 0;
  private deletesDone = 0;
  private readonly deletesTotal: number;
  private bytesDone = 0;
  private readonly filesTotal: number;
  private readonly bytesTotal: number;
  private readonly rate: RateWindow;
  private readonly folderRates = new Map<string, RateWindow>();

  constructor(
    actions: readonly SyncAction[],
    private readonly now: () => number = Date.now,
  ) {
    const at = this.now();
    // Files are what moves; deletions are counted apart ("3 files, 2 deleted", never "5 files").
    const moving = actions.filter((a) => a.type === 'upload' || a.type === 'download');
    const deleting = actions.filter((a) => a.type === 'delete-remote');
    this.filesTotal = moving.length;
    this.deletesTotal = deleting.length;
    this.bytesTotal = moving.reduce((sum, a) => sum + a.bytes, 0);
    for (const action of [...moving, ...deleting]) {
      const folder = (this.folders[action.folder] ??= { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 });
      if (action.type === 'delete-remote') folder.deletesTotal = (folder.deletesTotal ?? 0) + 1;
      else {
        folder.filesTotal += 1;
        folder.bytesTotal += action.bytes;
      }
      if (!this.folderRates.has(action.folder)) this.folderRates.set(action.folder, new RateWindow(at));
    }
    this.rate = new RateWindow(at);
  }

  /** Bytes moved (negative when a retry starts a transfer over). */
  addBytes(folder: string, bytes: number): void {
    const at = this.now();
    this.bytesDone += bytes;
    this.rate.add(at, this.bytesDone);
    const entry = this.folders[folder];
    if (!entry) return;
    entry.bytesDone += bytes;
    this.folderRates.get(folder)!.add(at, entry.bytesDone);
  }

  /** One file (or a deletion) finished, successfully or not. */
  fileDone(action: Pick<SyncAction, 'folder' | 'type'>): void {
    const entry = this.folders[action.folder];
    if (action.type === 'delete-remote') {
      this.deletesDone += 1;
      if (entry) entry.deletesDone = (entry.deletesDone ?? 0) + 1;
      return;
    }
    this.filesDone += 1;
    if (entry) entry.filesDone += 1;
  }

  snapshot(): SyncProgress {
    const at = this.now();
    const bytesPerSecond = this.rate.perSecond(at, this.bytesDone);
    const remaining = this.bytesTotal - this.bytesDone;
    const folders: SyncProgress['folders'] = {};
    for (const [name, entry] of Object.entries(this.folders)) {
      folders[name] = {
        ...entry,
        bytesPerSecond: Math.round(this.folderRates.get(name)!.perSecond(at, entry.bytesDone)),
      };
    }
    return {
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      bytesPerSecond: Math.round(bytesPerSecond),
      ...(this.deletesTotal ? { deletesDone: this.deletesDone, deletesTotal: this.deletesTotal } : {}),
      ...(bytesPerSecond > 0 && remaining > 0 ? { etaSeconds: Math.ceil(remaining / bytesPerSecond) } : {}),
      folders,
    };
  }
}
