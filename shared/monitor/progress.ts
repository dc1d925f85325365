/** What a single log line or metrics record says about training progress. */
export interface ProgressUpdate {
  step?: number;
  totalSteps?: number;
  epoch?: number;
  totalEpochs?: number;
  /** Numeric metrics by name (loss, lr, accuracy…). */
  metrics?: Record<string, number>;
}

/** The executor's phase as last reported in executor.jsonl. */
export interface ExecutorPhase {
  phase: string;
  /** started | succeeded | failed | … as the executor wrote it. */
  status?: string;
  /** Epoch ms. */
  at?: number;
  exitCode?: number;
  message?: string;
}

/** Training progress as the monitor understands it. */
export interface TrainingProgress {
  step?: number;
  totalSteps?: number;
  epoch?: number;
  totalEpochs?: number;
  /** Latest value of every numeric metric seen. */
  metrics: Record<string, number>;
  /** Steps per second over the recent window. */
  itPerSec?: number;
  /** Seconds left at the current rate, when the total is known. */
  etaSeconds?: number;
  /** Fraction done, 0..1, when known. */
  fraction?: number;
  phase?: ExecutorPhase;
  /** Epoch ms of the last log line (any line). */
  lastLineAt?: number;
}
