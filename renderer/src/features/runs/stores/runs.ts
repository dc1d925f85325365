import { create } from 'zustand';

import type { JobEvent } from '../../../../../shared/domain/job';
import type { KillAllResult } from '../../../../../shared/domain/kill-all';
import { applyRunEvent, emptyRunSnapshot, type RunEvent, type RunSnapshot } from '../../../../../shared/domain/run';
import type { AppError } from '../../../../../shared/ipc/result';
import type { UnfinishedRun } from '../../../../../shared/ipc/run-commands';
import { provisioningBurn } from '../../../../../shared/monitor/burn';
import type { CostBurn } from '../../../../../shared/monitor/cost';
import type { PriceTable } from '../../../../../shared/pricing/price-table';
import { isOwnMachine } from '../../../../../shared/report/format';
import { api } from '../../../bridge/api-ref';
import { formatHourly } from '../../../format/money';
import { type RunningCost, runningCostOf } from '../view/running-cost';
import { runPriceTable } from './region-prices';

interface RunsStore {
  runs: Record<string, RunSnapshot>;
  loaded: boolean;
  error: AppError | undefined;
  /** A run picked to watch while it ran (History, the banner's "Show on Runs", Launch): the monitor keeps it to its end. */
  watched: string | undefined;
  /** A finished run picked in History: its own card, beside the live run ({@link shownRunIds}). */
  selected: string | undefined;
  /** $/h of each run main prices (its monitor's burn rate, from `monitor.delta` and snapshots); null: not priced. */
  burn: Record<string, number | null>;
  /** Runs whose `burn` is at most that figure (a spot instance priced on-demand or at the dearest zone's price). */
  burnAtMost: Record<string, true>;
  /** What each run main prices has cost so far (its monitor's figure, as the monitor shows it); History's running cost. */
  soFar: Record<string, RunningCost>;
  /** Runs asked to stop whose training has not ended yet: their Stop button says "Stopping…". */
  stopping: Record<string, true>;
  /** A run just launched: its header takes the focus once the Runs page shows it ({@link arrived} clears it). */
  arriving: string | undefined;
  actionError: AppError | undefined;
  /** "Tear down now" per run: its job (progress in the jobs store), its verified result or why it did not start. */
  teardowns: Record<string, { jobId?: string; result?: KillAllResult; error?: AppError }>;
  /** "Retry with the same settings" per failed run: on its way, or why it did not start. */
  retries: Record<string, { busy: boolean; error: AppError | undefined }>;
  loadRuns(): Promise<void>;
  applyEvent(event: RunEvent): void;
  /** Picks a run: one that runs (or is about to) is watched in the monitor, a finished one opens beside it; undefined closes the latter. */
  select(runId: string | undefined): void;
  /** Back to the newest live run, nothing picked (the sidebar's running badge). */
  showLive(): void;
  /** Shows a just-launched run: selected, and its header focused on arrival. */
  launched(runId: string): void;
  arrived(): void;
  /** The run monitor's price of a run (the same figure the monitor shows). */
  noteCost(runId: string, cost: CostBurn | undefined): void;
  cancel(runId: string): Promise<void>;
  /** Starts a new run with the settings `runId` was started with (main's record, its trust gate); shows the new run. */
  retry(runId: string): Promise<void>;
  teardownNow(runId: string): Promise<void>;
  dismissTeardown(runId: string): void;
  applyJobEvent(event: JobEvent): void;
  /**
   * Main restarted: drops the runs (reloaded from its journal, whose seqs may be lower than
   * ours) and the teardowns still waiting on a job that ended with it.
   */
  forgetAll(): void;
}

/** Runs of the pipeline: a snapshot from `runs.list`, then `runs.event` folded in by seq. */
export const useRuns = create<RunsStore>()((set, get) => ({
  runs: {},
  loaded: false,
  error: undefined,
  watched: undefined,
  selected: undefined,
  burn: {},
  burnAtMost: {},
  soFar: {},
  stopping: {},
  arriving: undefined,
  actionError: undefined,
  teardowns: {},
  retries: {},

  loadRuns: async () => {
    const result = await api().invoke('runs.list', {});
    if (!result.ok) return set({ error: result.error, loaded: true });
    const local = get().runs;
    const runs: Record<string, RunSnapshot> = { ...local };
    for (const remote of result.value) {
      const mine = local[remote.runId];
      runs[remote.runId] = mine && mine.lastSeq > remote.lastSeq ? mine : remote;
    }
    set({ runs, loaded: true, error: undefined });
  },

  applyEvent: (event) => {
    const before =
      get().runs[event.runId] ??
      (event.type === 'started' ? emptyRunSnapshot(event.runId, event.name, event.backend, event.at) : undefined);
    if (!before) {
      void get().loadRuns();
      return;
    }
    const after = applyRunEvent(before, event);
    if (after !== before || !get().runs[event.runId]) set({ runs: { ...get().runs, [event.runId]: after } });
  },

  select: (runId) => {
    const run = runId ? get().runs[runId] : undefined;
    if (runId && (!run || run.state === 'running')) {
      set({ watched: runId, selected: undefined, actionError: undefined });
    } else set({ selected: runId, actionError: undefined });
  },

  showLive: () => set({ watched: undefined, selected: undefined, actionError: undefined }),

  launched: (runId) => set({ watched: runId, selected: undefined, arriving: runId, actionError: undefined }),

  arrived: () => set({ arriving: undefined }),

  noteCost: (runId, cost) => {
    if (!cost) return;
    const spent = runningCostOf(cost);
    const was = get().soFar[runId];
    if (was?.usd !== spent.usd || was.upperBound !== spent.upperBound) {
      set({ soFar: { ...get().soFar, [runId]: spent } });
    }
    const atMost = cost.upperBound === true;
    if (get().burn[runId] === cost.hourlyUsd && (get().burnAtMost[runId] === true) === atMost) return;
    const { [runId]: _was, ...others } = get().burnAtMost;
    set({
      burn: { ...get().burn, [runId]: cost.hourlyUsd },
      burnAtMost: atMost ? { ...others, [runId]: true } : others,
    });
  },

  cancel: async (runId) => {
    set({ stopping: { ...get().stopping, [runId]: true } });
    const result = await api().invoke('runs.cancel', { runId });
    if (result.ok) return set({ actionError: undefined });
    const { [runId]: _failed, ...stopping } = get().stopping;
    set({ actionError: result.error, stopping });
  },

  retry: async (runId) => {
    set({ retries: { ...get().retries, [runId]: { busy: true, error: undefined } } });
    const result = await api().invoke('runs.retry', { runId });
    set({ retries: { ...get().retries, [runId]: { busy: false, error: result.ok ? undefined : result.error } } });
    // The new run's `started` event may come before or after this answer: select it by id either way.
    if (result.ok) get().select(result.value.runId);
  },

  teardownNow: async (runId) => {
    set({ teardowns: { ...get().teardowns, [runId]: {} } });
    const result = await api().invoke('costs.teardownRun', { runId });
    set({
      teardowns: { ...get().teardowns, [runId]: result.ok ? { jobId: result.value.jobId } : { error: result.error } },
    });
  },

  dismissTeardown: (runId) => {
    const { [runId]: _done, ...rest } = get().teardowns;
    set({ teardowns: rest });
  },

  applyJobEvent: (event) => {
    if (event.type !== 'succeeded') return;
    const entry = Object.entries(get().teardowns).find(([, t]) => t.jobId === event.jobId);
    if (entry) {
      set({ teardowns: { ...get().teardowns, [entry[0]]: { ...entry[1], result: event.result as KillAllResult } } });
    }
  },

  forgetAll: () =>
    set({
      runs: {},
      loaded: false,
      burn: {},
      burnAtMost: {},
      soFar: {},
      teardowns: Object.fromEntries(Object.entries(get().teardowns).filter(([, t]) => t.result || t.error)),
    }),
}));

/** Runs newest first. */
export function runsNewestFirst(runs: Record<string, RunSnapshot>): RunSnapshot[] {
  return Object.values(runs).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** Where the Runs page shows what: the live run's monitor, and a finished run picked in History beside it (never instead of it). */
export interface ShownRuns {
  /** The run in the monitor card: the watched one (picked while it ran: kept to its end), else the newest running, else the picked one, else the newest. */
  monitor: string | undefined;
  /** A finished run picked in History while the monitor card holds another: shown in its own card under the History list. */
  history: string | undefined;
}

/** Which runs the Runs page shows (pure: the store's runs, watched and picked runs). */
export function shownRunIds(
  runs: Record<string, RunSnapshot>,
  watched: string | undefined,
  selected: string | undefined,
): ShownRuns {
  const picked = selected && runs[selected] ? selected : undefined;
  const live =
    (watched && runs[watched] ? watched : undefined) ?? runsNewestFirst(runs).find((r) => r.state === 'running')?.runId;
  if (live) return { monitor: live, history: picked && picked !== live ? picked : undefined };
  return { monitor: picked ?? runsNewestFirst(runs)[0]?.runId, history: undefined };
}

/** The run in the monitor card (see {@link shownRunIds}). */
export function useShownRunId(): string | undefined {
  return useRuns((s) => shownRunIds(s.runs, s.watched, s.selected).monitor);
}

/** The finished run picked in History while the monitor card holds another, shown under the list. */
export function useHistoryRunId(): string | undefined {
  return useRuns((s) => shownRunIds(s.runs, s.watched, s.selected).history);
}

/** The running runs and what they burn together, for the badge on every page. */
export interface RunningSummary {
  count: number;
  /** $/h of the runs priced so far (runs on the user's own machine count $0). */
  hourlyUsd: number;
  /** Cloud runs without a price yet (before their monitor's first tick) or with an unpriced type. */
  unpriced: number;
  /** Priced runs whose price is at most their figure (spot at on-demand or at the dearest zone's price). */
  atMost: number;
}

/** What the badge prices runs with besides the monitor's burn: the regions' tables, the banner's runs. */
export interface RunningPrices {
  /** Price tables by region (region-prices.ts): a booting run is priced at its region's prices. */
  tables?: Record<string, PriceTable>;
  /** Runs a killed TrainDeck left (the reattach banner), with what main says they still bill. */
  unfinished?: readonly UnfinishedRun[];
}

/**
 * What the running runs burn, from the monitor's burn rate of each, or, before the monitor prices
 * a run (it does at training), its provisioning burn at its region's prices: an instance bills from
 * its create on (pure). A run a killed TrainDeck left (not taken over: no monitor) counts what the
 * reattach banner says it bills (main's `billing`, the monitor's prices of its region, dated), so the
 * badge and the banner never differ; while main still reads its prices, or cannot price it, it counts
 * as unpriced ("≥"), never at prices the banner does not show.
 */
export function runningSummary(
  runs: Record<string, RunSnapshot>,
  burn: Record<string, number | null>,
  now: number,
  burnAtMost: Record<string, true> = {},
  prices: RunningPrices = {},
): RunningSummary {
  const summary: RunningSummary = { count: 0, hourlyUsd: 0, unpriced: 0, atMost: 0 };
  const left = new Map((prices.unfinished ?? []).filter((u) => !u.takenOver).map((u) => [u.runId, u.billing]));
  for (const run of Object.values(runs)) {
    if (run.state !== 'running') continue;
    summary.count++;
    if (isOwnMachine(run.backend)) continue;
    const monitored = burn[run.runId];
    const billing = monitored === undefined || monitored === null ? left.get(run.runId) : undefined;
    if (billing) {
      if (billing.pending || billing.hourlyUsd === null) summary.unpriced++;
      else {
        summary.hourlyUsd += billing.hourlyUsd;
        if (billing.upperBound) summary.atMost++;
      }
      continue;
    }
    const provisioning =
      monitored === undefined || monitored === null
        ? provisioningBurn(run, now, runPriceTable(run, prices.tables ?? {}))
        : undefined;
    const hourly = monitored ?? provisioning?.hourlyUsd;
    if (hourly === undefined || hourly === null) summary.unpriced++;
    else {
      summary.hourlyUsd += hourly;
      if (provisioning ? provisioning.upperBound : burnAtMost[run.runId]) summary.atMost++;
    }
  }
  return summary;
}

/**
 * "1 running · $1.03/h": "≥ $1.03/h" while a cloud run has no price yet, "≤ $1.03/h" when a spot
 * run is priced at most (on-demand), "≈" when both; undefined when nothing runs.
 */
export function runningLabel(summary: RunningSummary): string | undefined {
  if (!summary.count) return undefined;
  const runs = `${summary.count} running`;
  if (summary.unpriced && !summary.hourlyUsd) return runs;
  const sign = summary.unpriced ? (summary.atMost ? '≈ ' : '≥ ') : summary.atMost ? '≤ ' : '';
  return `${runs} · ${sign}${formatHourly(summary.hourlyUsd)}`;
}
