import { randomUUID } from 'node:crypto';

import { applyJobEvent, type JobEvent, type JobProgress, type JobSnapshot } from '../../shared/domain/job';
import { TypedError } from '../../shared/ipc/result';
import { raceAbort } from './abort';
import { type Clock, isoNow, systemClock } from './clock';
import type { EventBus } from './event-bus';
import type { Logger } from './logger';
import { toAppError } from './router';

/** What a job's work function gets: its abort signal and ways to report. */
export interface JobContext {
  signal: AbortSignal;
  step(step: string, detail?: string): void;
  progress(progress: JobProgress): void;
  log(line: string, stream?: 'stdout' | 'stderr' | 'info'): void;
}

/** Options of one job. Every job has a time limit: there is no unbounded wait. */
export interface JobOptions {
  kind: string;
  title: string;
  timeoutMs: number;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Finished jobs kept for late snapshots; older ones are forgotten first. */
const FINISHED_JOBS_KEPT = 100;

/**
 * Runs long work in the background: `start()` returns the job id at once, progress goes
 * out as `jobs.event` on the bus, and snapshots are kept for renderers that connect late.
 */
export class JobRunner {
  private readonly snapshots = new Map<string, JobSnapshot>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly seqs = new Map<string, number>();

  constructor(
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Starts `work` and returns its job id; `done` settles when it has ended, for callers that wait. */
  start<T>(
    options: JobOptions,
    work: (context: JobContext) => Promise<T>,
  ): { jobId: string; done: Promise<JobSnapshot> } {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.controllers.set(jobId, controller);
    this.emit(jobId, { type: 'started', kind: options.kind, title: options.title });
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(options.timeoutMs)]);
    const context: JobContext = {
      signal,
      step: (step, detail) =>
        this.emit(jobId, detail === undefined ? { type: 'step', step } : { type: 'step', step, detail }),
      progress: (progress) => this.emit(jobId, { type: 'progress', progress }),
      log: (line, stream = 'info') => this.emit(jobId, { type: 'log', stream, line }),
    };
    const done = this.run(jobId, options, controller, signal, () => work(context));
    return { jobId, done };
  }

  /** Asks a running job to stop; false when it is unknown or already over. */
  cancel(jobId: string, reason = 'Cancelled by the user.'): boolean {
    const controller = this.controllers.get(jobId);
    if (!controller) return false;
    controller.abort(new TypedError('CANCELLED', reason));
    return true;
  }

  /** Every known job, oldest first. */
  list(): JobSnapshot[] {
    return [...this.snapshots.values()];
  }

  private async run<T>(
    jobId: string,
    options: JobOptions,
    controller: AbortController,
    signal: AbortSignal,
    work: () => Promise<T>,
  ): Promise<JobSnapshot> {
    try {
      const result = await raceAbort(work(), signal);
      this.emit(jobId, { type: 'succeeded', result });
    } catch (error) {
      if (controller.signal.aborted) {
        const reason = controller.signal.reason instanceof Error ? controller.signal.reason.message : 'Cancelled.';
        this.emit(jobId, { type: 'cancelled', reason });
      } else if (signal.aborted) {
        const message = `"${options.title}" did not finish within ${Math.round(options.timeoutMs / 1000)} s and was stopped.`;
        this.emit(jobId, { type: 'failed', error: { code: 'TIMEOUT', message } });
      } else {
        this.emit(jobId, { type: 'failed', error: toAppError(error, options.kind, this.log) });
      }
    } finally {
      this.controllers.delete(jobId);
      this.seqs.delete(jobId);
      this.forgetOldJobs();
    }
    return this.snapshots.get(jobId)!;
  }

  private emit(jobId: string, body: DistributiveOmit<JobEvent, 'jobId' | 'seq' | 'at'>): void {
    const seq = (this.seqs.get(jobId) ?? 0) + 1;
    this.seqs.set(jobId, seq);
    const event = { ...body, jobId, seq, at: isoNow(this.clock) } as JobEvent;
    const next = applyJobEvent(this.snapshots.get(jobId), event);
    if (next) this.snapshots.set(jobId, next);
    this.bus.emit('jobs.event', event);
  }

  private forgetOldJobs(): void {
    const finished = [...this.snapshots.values()].filter((job) => job.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - FINISHED_JOBS_KEPT))) {
      this.snapshots.delete(job.jobId);
    }
  }
}
