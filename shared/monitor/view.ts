import type { BudgetView } from './budget';
import type { CostBurn } from './cost';
import type { CloudHealth, HealthSample } from './health';
import type { TrainingProgress } from './progress';

/** A series downsampled for display: parallel arrays (compact over IPC). */
export interface SeriesView {
  name: string;
  /** Unit for the axis: "%", "B", "B/s", "°C", "W", "" (metrics). */
  unit: string;
  t: number[];
  v: number[];
}

/** Lines of the log tail; `first` is the absolute number of the first line, so deltas append. */
export interface LogLines {
  first: number;
  lines: string[];
}

/** An alert the monitor raised for this run (also sent as a notification). */
export interface MonitorAlert {
  kind:
    | 'stall'
    | 'spot-interruption'
    | 'gpu-unavailable'
    | 'log-rotated'
    | 'status-check'
    | 'loss-not-finite'
    /** The monitor is stopping the run (budget, stall or NaN loss): the page shows it as the run's state. */
    | 'auto-stop'
    /** A run with a budget whose instance has no price: the budget cannot stop it. */
    | 'budget-unpriced'
    /** A run with a budget priced at an upper bound (spot price unknown: on-demand): it stops sooner, never later. */
    | 'budget-upper-bound';
  message: string;
  at: number;
}

/** Everything the run monitor page shows; loaded once, then kept fresh by deltas. */
export interface MonitorSnapshot {
  runId: string;
  /** Deltas with seq ≤ this are already reflected. */
  seq: number;
  at: number;
  series: SeriesView[];
  progress: TrainingProgress;
  health?: HealthSample;
  cloud?: CloudHealth;
  cost?: CostBurn;
  /** The run's budget (`training.maxCostUsd`) as the page shows it; absent when the run has none. */
  budget?: BudgetView;
  log: LogLines;
  alerts: MonitorAlert[];
}

/**
 * What changed since the previous delta (coalesced in main to at most 10 per second).
 * New points are raw (not downsampled): the renderer appends them to its own view.
 */
export interface MonitorDelta {
  runId: string;
  seq: number;
  at: number;
  /** New points per series name. */
  points?: Record<string, { t: number[]; v: number[]; unit: string }>;
  progress?: TrainingProgress;
  health?: HealthSample;
  cloud?: CloudHealth;
  cost?: CostBurn;
  budget?: BudgetView;
  log?: LogLines;
  alerts?: MonitorAlert[];
}

/** Runs the monitor is watching, for the list in the UI. */
export interface MonitoredRun {
  runId: string;
  since: number;
}
