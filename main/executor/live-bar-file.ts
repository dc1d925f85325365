import { renameSync, writeFileSync } from 'node:fs';

import type { LiveBarRecord } from '../../shared/executor/protocol';

/** The live bar is written at most this often (2/s): the desktop polls every second or five. */
export const LIVE_BAR_INTERVAL_MS = 500;
/** A redraw longer than this is cut (the file is read whole every poll). */
const MAX_BAR_CHARS = 2000;

/**
 * `train-live.json` (work-layout.ts): the training's progress bar as last redrawn, one JSON
 * object replaced whole (written beside and renamed, so a reader never sees half of it). Writes are
 * throttled to {@link LIVE_BAR_INTERVAL_MS}; the latest state is never lost to the throttle (a
 * timer writes it when the interval is over) and a closing bar is written at once.
 */
export class LiveBarFile {
  private lastWriteAt = -Infinity;
  private pending: LiveBarRecord | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  update(text: string, open: boolean, stream: LiveBarRecord['stream']): void {
    this.pending = { at: new Date(this.now()).toISOString(), stream, text: text.slice(0, MAX_BAR_CHARS), open };
    const wait = this.lastWriteAt + LIVE_BAR_INTERVAL_MS - this.now();
    if (!open || wait <= 0) return this.write();
    this.timer ??= setTimeout(() => this.write(), wait);
    this.timer.unref?.();
  }

  /** Writes what is pending now and stops the timer (the training ended). */
  close(): void {
    this.write();
  }

  private write(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const record = this.pending;
    if (!record) return;
    this.pending = undefined;
    this.lastWriteAt = this.now();
    try {
      writeFileSync(`${this.path}.tmp`, JSON.stringify(record) + '\n');
      renameSync(`${this.path}.tmp`, this.path);
    } catch {
      // A full disk must not stop the training's log; the live bar is a convenience.
    }
  }
}
