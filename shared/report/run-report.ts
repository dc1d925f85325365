import { type ComputeBackendKind, type PhaseStatus, RUN_PHASES, type RunPhase, type RunSnapshot } from '../domain/run';
import type { RunCost } from '../domain/run-cost';
import type { TrainingProgress } from '../monitor/progress';
import { type ReportData, reportData } from './report-data';
import { type ReportResources, reportResources } from './report-resources';
import { attemptsInOrder, type RunAttempt } from './run-attempts';

/** One phase in the report's timeline. */
export interface ReportPhase {
  phase: RunPhase;
  status: PhaseStatus;
  startedAt?: string;
  endedAt?: string;
  durationSeconds?: number;
  reason?: string;
  fix?: string;
}

/**
 * Everything a run's report says, as plain data: built once (in main, which has the journal;
 * or in the page from the snapshot alone) and rendered to Markdown, HTML or the in-app view.
 * Only chosen figures are taken from phase details, never whole records, so no key, address
 * or token of the run's config can end up in a report.
 */
export interface RunReport {
  runId: string;
  name: string;
  backend: ComputeBackendKind;
  host?: string;
  outcome: RunSnapshot['state'];
  exitCode?: number | null;
  reason?: string;
  startedAt: string;
  endedAt?: string;
  durationSeconds?: number;
  phases: ReportPhase[];
  data: ReportData;
  /** Step, epoch and last metrics, when the monitor still had them. */
  training?: {
    step?: number;
    totalSteps?: number;
    epoch?: number;
    totalEpochs?: number;
    metrics: Record<string, number>;
  };
  /** Absent when the report was built without the journal (in the page). */
  resources?: ReportResources;
  /** Absent for runs recorded before costs were, or still running. */
  cost?: RunCost;
  /** Each launch of the run's instance, in launch order (absent when the run recorded none). */
  attempts?: RunAttempt[];
  generatedAt: string;
}

/** What {@link buildRunReport} needs besides the run. */
export interface RunReportInputs {
  /** The run's journal (undefined: not read; an empty list: none exists). */
  journal?: Parameters<typeof reportResources>[0] | null;
  progress?: TrainingProgress | undefined;
  /** ISO time of the report. */
  generatedAt: string;
}

const seconds = (from?: string, to?: string) =>
  from && to ? Math.max(0, Date.parse(to) - Date.parse(from)) / 1000 : undefined;

/** Builds the report model of a run (pure). */
export function buildRunReport(run: RunSnapshot, inputs: RunReportInputs): RunReport {
  const phases = RUN_PHASES.map((phase): ReportPhase => {
    const state = run.phases[phase];
    // A phase still "running" at the run's end stopped with it.
    const cutShort = run.endedAt && state.status === 'running';
    const endedAt = cutShort ? run.endedAt : state.endedAt;
    const took = seconds(state.startedAt, endedAt);
    return {
      phase,
      status: cutShort ? 'skipped' : state.status,
      ...(state.startedAt ? { startedAt: state.startedAt } : {}),
      ...(endedAt ? { endedAt } : {}),
      ...(took !== undefined ? { durationSeconds: took } : {}),
      ...(state.reason ? { reason: state.reason } : {}),
      ...(state.fix ? { fix: state.fix } : {}),
    };
  });
  const duration = seconds(run.startedAt, run.endedAt);
  const progress = inputs.progress;
  const hasTraining = progress && (progress.step !== undefined || Object.keys(progress.metrics).length > 0);
  return {
    runId: run.runId,
    name: run.name,
    backend: run.backend,
    ...(run.host ? { host: run.host } : {}),
    outcome: run.state,
    ...(run.exitCode !== undefined ? { exitCode: run.exitCode } : {}),
    ...(run.reason ? { reason: run.reason } : {}),
    startedAt: run.startedAt,
    ...(run.endedAt ? { endedAt: run.endedAt } : {}),
    ...(duration !== undefined ? { durationSeconds: duration } : {}),
    phases,
    data: reportData(run.phases, run.sync),
    ...(hasTraining
      ? {
          training: {
            ...pick(progress, ['step', 'totalSteps', 'epoch', 'totalEpochs']),
            metrics: { ...progress.metrics },
          },
        }
      : {}),
    ...(inputs.journal !== undefined
      ? { resources: reportResources(inputs.journal ?? undefined, run.backend, run.runId) }
      : {}),
    ...(run.cost ? { cost: run.cost } : {}),
    ...(run.attempts?.length ? { attempts: attemptsInOrder(run.attempts) } : {}),
    generatedAt: inputs.generatedAt,
  };
}

function pick(
  progress: TrainingProgress,
  keys: Array<'step' | 'totalSteps' | 'epoch' | 'totalEpochs'>,
): Partial<Record<(typeof keys)[number], number>> {
  return Object.fromEntries(keys.filter((key) => typeof progress[key] === 'number').map((key) => [key, progress[key]]));
}

/** What `runs.saveReport` answers: the texts and where they were written. */
export interface SavedRunReport {
  markdown: string;
  html: string;
  /** Absolute paths in the run's folder (`<app data>/runs/<id>/report.*`, mode 0600). */
  files: { markdown: string; html: string; pdf?: string };
  /** `desktop-only` in browser mode and the CLI (printing needs Electron); `failed` says why. */
  pdf: { status: 'saved' | 'desktop-only' | 'failed'; reason?: string };
}
