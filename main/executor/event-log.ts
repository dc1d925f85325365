import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import type { ExecutorEvent, ExecutorPhase } from '../../shared/executor/protocol';

/**
 * `logs/<run-id>/executor.jsonl` (paths: work-layout.ts): one JSON line per phase event. Appended synchronously so that a line
 * is complete on disk before the next starts: the desktop reads the file by byte offset and
 * only ever consumes whole lines.
 */
export class EventLog {
  private seq = 0;
  readonly timings: Partial<Record<ExecutorPhase, { startedAt: string; endedAt?: string }>> = {};

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  write(
    phase: ExecutorPhase,
    status: ExecutorEvent['status'],
    extra: Pick<ExecutorEvent, 'reason' | 'fix' | 'detail' | 'sync'> = {},
    /** Seals the line (its seq and time included) so the desktop can tell it from one the training wrote. */
    seal?: (event: ExecutorEvent) => string,
  ): void {
    const at = new Date(this.now()).toISOString();
    if (status === 'started') this.timings[phase] = { startedAt: at };
    else if (status !== 'info' && this.timings[phase]) this.timings[phase].endedAt = at;
    const event: ExecutorEvent = { seq: ++this.seq, at, phase, status, ...extra };
    if (seal) event.seal = seal(event);
    appendFileSync(this.path, JSON.stringify(event) + '\n');
  }
}
