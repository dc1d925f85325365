/** What a single log line or metrics record says about training progress. */
export interface ProgressUpdate {
  step?: number;
  totalSteps?: number;
  epoch?: number;
  totalEpochs?: number;
  /** Numeric metrics by name (loss, lr, accuracy…). */
  metrics?: Record<string, number>;
  /** Epoch ms the record says it was written (metrics.jsonl `time`, `timestamp`, `wall_time`). */
  at?: number;
}

/** The executor's phase as last reported in executor.jsonl. */
export interface ExecutorPhaseReport {
  phase: string;
  /** started | succeeded | failed | … as the executor wrote it. */
  status?: string;
  /** Epoch ms. */
  at?: number;
  exitCode?: number;
  message?: string;
}

/** Which source the rate and ETA come from (precedence in main/monitor/progress-tracker.ts). */
export type ProgressSource = 'metrics' | 'log' | 'epoch';

/** The training's progress bar as last redrawn (tqdm's `\r` redraws, carried live by the executor). */
export interface LiveBar {
  /** The bar's text as the training drew it. */
  text: string;
  /** Epoch ms of the redraw (the instance's clock). */
  at: number;
  /** False once the bar closed (its last state is then a line of the log). */
  open: boolean;
}

/** Training progress as the monitor understands it. */
export interface TrainingProgress {
  /** Steps done in units of the whole training (epochs × bar length for a per-epoch bar). */
  step?: number;
  /** Steps of the whole training, when known. */
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
  phase?: ExecutorPhaseReport;
  /** Epoch ms of the last log line (any line). */
  lastLineAt?: number;
  /** What `itPerSec`, `etaSeconds` and `step` are measured from. */
  source?: ProgressSource;
  /** The live progress bar, when the training draws one. */
  liveBar?: LiveBar;
}
