import { create } from 'zustand';

import type { KillAllResult } from '../../../shared/domain/kill-all';
import { RUN_PHASES, type RunPhase, type RunSnapshot } from '../../../shared/domain/run';
import type { AppError } from '../../../shared/ipc/result';
import type { UnfinishedRun } from '../../../shared/ipc/run-commands';
import { api } from '../bridge/api-ref';

/** What the user asked for an unfinished run: follow it to its end, or stop it and tear it down. */
export type ReattachAction = 'reattach' | 'teardown';

interface ActionState {
  action: ReattachAction;
  /** `runs.reattach` is on its way. */
  starting?: boolean;
  /** Why `runs.reattach` did not start. */
  error?: AppError;
}

interface UnfinishedRunsStore {
  /** The runs a killed TrainDeck left, as main listed them (kept while an action on them goes on). */
  runs: UnfinishedRun[];
  loadError: AppError | undefined;
  actions: Record<string, ActionState>;
  /** Asks main (at start and after every reconnect). */
  load(): Promise<void>;
  /** Reattach (follow to the end) or tear down (stop, push, verified teardown): returns when main took it. */
  start(runId: string, action: ReattachAction): Promise<void>;
  /** The run is finished and its teardown verified: it leaves the banner. */
  forget(runId: string): void;
  /** Main restarted: what it was doing for these runs died with it; the next load lists them again. */
  forgetAll(): void;
}

/**
 * While main still reads a run's prices (its answer waits a few seconds, the read goes on), the banner
 * asks again this often, at most this many times: main's read itself gives up within a minute.
 */
const REPRICE_EVERY_MS = 4_000;
const REPRICE_ASKS = 15;
const reprice: { timer?: ReturnType<typeof setTimeout>; asks: number } = { asks: 0 };

/** Unfinished runs and what is being done about them (the reattach banner on every page). */
export const useUnfinishedRuns = create<UnfinishedRunsStore>()((set, get) => ({
  runs: [],
  loadError: undefined,
  actions: {},

  load: async () => {
    const result = await api().invoke('runs.unfinished', {});
    if (!result.ok) return set({ loadError: result.error });
    const listed = new Set(result.value.map((run) => run.runId));
    // A run this TrainDeck took over stays until its end: main lists it as taken over while it
    // goes on (also to a page loaded since), and one that ended meanwhile keeps its last state here.
    const ended = get().runs.filter((run) => !listed.has(run.runId) && get().actions[run.runId]);
    const actions = { ...get().actions };
    for (const run of result.value) {
      if (run.takenOver && !actions[run.runId]) actions[run.runId] = { action: run.takenOver };
    }
    set({ runs: [...result.value, ...ended], actions, loadError: undefined });
    clearTimeout(reprice.timer);
    if (!result.value.some((run) => run.billing?.pending)) reprice.asks = 0;
    else if (reprice.asks < REPRICE_ASKS) {
      reprice.asks += 1;
      reprice.timer = setTimeout(() => void get().load(), REPRICE_EVERY_MS);
    }
  },

  start: async (runId, action) => {
    set({ actions: { ...get().actions, [runId]: { action, starting: true } } });
    const result = await api().invoke('runs.reattach', { runId, ...(action === 'teardown' ? { stop: true } : {}) });
    set({ actions: { ...get().actions, [runId]: result.ok ? { action } : { action, error: result.error } } });
  },

  forget: (runId) => {
    const { [runId]: _done, ...actions } = get().actions;
    set({ runs: get().runs.filter((run) => run.runId !== runId), actions });
  },

  forgetAll: () => {
    clearTimeout(reprice.timer);
    reprice.asks = 0;
    set({ runs: [], actions: {}, loadError: undefined });
  },
}));

/** Where one unfinished run stands, as the banner shows it. */
export type ReattachItemStatus =
  | { status: 'offered' }
  | { status: 'working'; action: ReattachAction; phase: RunPhase | undefined }
  /**
   * `retry` says what the button does: the same action again, the verified teardown by tag
   * (aws-ec2), or, for a run on the user's own machine that ended (nothing of it bills), dismiss.
   */
  | { status: 'failed'; action: ReattachAction; error: AppError; retry: 'action' | 'teardown' | 'dismiss' }
  | { status: 'done'; outcome: RunSnapshot['state']; reason?: string };

/** One banner entry: the run and where it stands. */
export interface ReattachItem {
  run: UnfinishedRun;
  state: ReattachItemStatus;
}

/** The "Tear down now" of a finished run whose own teardown failed (the runs store's job). */
export interface TeardownRetry {
  jobRunning: boolean;
  result?: KillAllResult;
  error?: AppError;
}

/**
 * Folds what main listed, what the user asked, the runs' live snapshots and any teardown retry
 * into banner entries. A run is `done` only once it finished AND its teardown was verified
 * (the tearing-down phase succeeded, or a retried teardown's rescan found nothing left).
 */
export function reattachItems(
  runs: UnfinishedRun[],
  actions: Record<string, ActionState>,
  snapshots: Record<string, RunSnapshot>,
  retries: Record<string, TeardownRetry | undefined>,
): ReattachItem[] {
  return runs.map((run) => ({
    run,
    state: itemState(run, actions[run.runId], snapshots[run.runId], retries[run.runId]),
  }));
}

function itemState(
  run: UnfinishedRun,
  action: ActionState | undefined,
  snapshot: RunSnapshot | undefined,
  retry: TeardownRetry | undefined,
): ReattachItemStatus {
  if (!action) return { status: 'offered' };
  if (action.error) return { status: 'failed', action: action.action, error: action.error, retry: 'action' };
  if (action.starting || !snapshot || snapshot.state === 'running') {
    return { status: 'working', action: action.action, phase: currentPhase(snapshot) };
  }
  const done = {
    status: 'done',
    outcome: snapshot.state,
    ...(snapshot.reason ? { reason: snapshot.reason } : {}),
  } as const;
  if (snapshot.phases['tearing-down'].status === 'succeeded') return done;
  if (run.backend !== 'aws-ec2') {
    // Its own machine: no cloud teardown exists to retry (the run is over, nothing of it bills).
    const reason = (snapshot.reason ?? 'the run ended without its teardown').replace(/\.$/, '');
    return {
      status: 'failed',
      action: action.action,
      error: {
        code: 'INTERNAL',
        message: `It ended without a teardown: ${reason}.`,
        fix: 'It ran on your own machine, so nothing bills; if its training may still run there, stop it on that machine.',
      },
      retry: 'dismiss',
    };
  }
  if (retry?.jobRunning) return { status: 'working', action: 'teardown', phase: 'tearing-down' };
  if (retry?.result && retry.result.survivors.length === 0 && retry.result.unverifiedRegions.length === 0) {
    return done;
  }
  return { status: 'failed', action: action.action, error: teardownError(snapshot, retry), retry: 'teardown' };
}

function currentPhase(snapshot: RunSnapshot | undefined): RunPhase | undefined {
  if (!snapshot) return undefined;
  return RUN_PHASES.filter((phase) => snapshot.phases[phase].status === 'running').at(-1);
}

// Why the run ended without a verified teardown, as a sentence with a fix.
function teardownError(snapshot: RunSnapshot, retry: TeardownRetry | undefined): AppError {
  if (retry?.error) return retry.error;
  if (retry?.result) {
    const left = retry.result.survivors.length;
    return {
      code: 'INTERNAL',
      message: left
        ? `The teardown left ${left} resource${left === 1 ? '' : 's'} of this run.`
        : 'The rescan could not read every region, so the teardown is not verified.',
      fix: 'Retry the teardown, or use Kill all on the Costs page.',
    };
  }
  const phase = snapshot.phases['tearing-down'];
  const reason = phase.reason ?? snapshot.reason ?? 'the run ended before its teardown was verified';
  return {
    code: 'INTERNAL',
    message: `The teardown was not verified: ${reason.replace(/\.$/, '')}.`,
    fix: phase.fix ?? 'Retry the teardown; it deletes what is tagged with this run and rescans to prove it.',
  };
}
