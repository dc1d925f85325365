import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

import {
  claimSteps,
  holderText,
  parseHolder,
  type PidFileFormat,
  type PidFileHolder,
  type PidFileStep,
  type PidFileSteps,
  releaseSteps,
} from '../exclusive-pid-file-steps';

/** A process of the model: its PID and start time; dead once crashed. */
export interface ModelProcess {
  pid: number;
  ticks: string;
  alive: boolean;
}

/** How a claimant of the model stands. */
export type ClaimantPhase = 'claiming' | 'holding' | 'releasing' | 'done' | 'refused' | 'crashed';

/**
 * One claimant of an exclusive PID file, stepped one file call at a time by `PidFileWorld.step`:
 * claims, holds for `holdTurns` turns, releases. `crashAfter` kills it (kill -9) after that many of its steps.
 */
export class Claimant {
  phase: ClaimantPhase = 'claiming';
  steps = 0;
  refusedBy?: PidFileHolder;
  readonly me: PidFileHolder;
  private run: PidFileSteps<true | PidFileHolder | void>;
  private pending: IteratorResult<PidFileStep, true | PidFileHolder | void>;

  constructor(
    readonly proc: ModelProcess,
    private readonly world: PidFileWorld,
    private holdTurns: number,
    readonly crashAfter: number | undefined,
  ) {
    this.me = world.holderOf(proc);
    this.run = claimSteps(world.path, this.me, world.format);
    this.pending = this.run.next();
  }

  /** One turn: one file call (or one turn of holding). */
  step(): void {
    if (this.crashAfter !== undefined && this.steps >= this.crashAfter) {
      this.phase = 'crashed';
      this.proc.alive = false;
      return;
    }
    this.steps += 1;
    if (this.phase === 'holding') {
      if (this.holdTurns-- > 0) return;
      this.phase = 'releasing';
      this.run = releaseSteps(this.world.path, this.me);
      this.pending = this.run.next();
      return this.settle();
    }
    try {
      this.pending = this.run.next(this.world.perform(this.pending.value as PidFileStep));
    } catch (error) {
      this.pending = this.run.throw(error);
    }
    this.settle();
  }

  get active(): boolean {
    return this.phase === 'claiming' || this.phase === 'holding' || this.phase === 'releasing';
  }

  private settle(): void {
    if (!this.pending.done) return;
    if (this.phase === 'releasing') this.phase = 'done';
    else if (this.pending.value === true) this.phase = 'holding';
    else {
      this.phase = 'refused';
      this.refusedBy = this.pending.value as PidFileHolder;
    }
  }
}

/** A folder of files (hard links share nothing but content, which never changes here) and a process table. */
export class PidFileWorld {
  readonly files = new Map<string, string>();
  readonly processes: ModelProcess[] = [];

  constructor(
    readonly path: string,
    readonly format: PidFileFormat,
  ) {}

  /** A process of this world; `pid` defaults to a new one. */
  spawn(pid = 1000 + this.processes.length, ticks = String(500 + this.processes.length)): ModelProcess {
    const process = { pid, ticks, alive: true };
    this.processes.push(process);
    return process;
  }

  holderOf(process: ModelProcess): PidFileHolder {
    const holder = { id: randomUUID(), pid: process.pid, host: hostname(), startTicks: process.ticks, since: '?' };
    return this.format === 'json' ? holder : { ...holder, id: parseHolder(holderText(holder, 'pid-line')).id };
  }

  /** The holder the file names now. */
  holder(): PidFileHolder | undefined {
    const text = this.files.get(this.path);
    return text === undefined ? undefined : parseHolder(text);
  }

  alive(holder: PidFileHolder): boolean {
    if (holder.host !== hostname()) return true;
    return this.processes.some(
      (p) => p.alive && p.pid === holder.pid && (holder.startTicks === undefined || holder.startTicks === p.ticks),
    );
  }

  /** Names in the folder, sorted. */
  names(): string[] {
    return [...this.files.keys()].filter((p) => dirname(p) === dirname(this.path)).map((p) => basename(p));
  }

  perform(step: PidFileStep): unknown {
    switch (step.op) {
      case 'create':
        if (this.files.has(step.path)) throw Object.assign(new Error(`EEXIST ${step.path}`), { code: 'EEXIST' });
        this.files.set(step.path, step.text);
        return undefined;
      case 'link': {
        const text = this.files.get(step.from);
        if (text === undefined) throw Object.assign(new Error(`ENOENT ${step.from}`), { code: 'ENOENT' });
        if (this.files.has(step.to)) return false;
        this.files.set(step.to, text);
        return true;
      }
      case 'rename': {
        const text = this.files.get(step.from);
        if (text === undefined) throw Object.assign(new Error(`ENOENT ${step.from}`), { code: 'ENOENT' });
        this.files.delete(step.from);
        this.files.set(step.to, text);
        return undefined;
      }
      case 'read':
        return this.files.get(step.path);
      case 'remove':
        this.files.delete(step.path);
        return undefined;
      case 'list':
        return step.dir === dirname(this.path) ? this.names().sort() : [];
      case 'alive':
        return this.alive(step.holder);
      case 'sleep':
        return undefined;
    }
  }

  /** Plants a file as a process wrote it (`holderText`), or raw text. */
  plant(name: string, content: PidFileHolder | string): void {
    this.files.set(
      join(dirname(this.path), name),
      typeof content === 'string' ? content : holderText(content, this.format),
    );
  }
}
