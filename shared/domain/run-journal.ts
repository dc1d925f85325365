import type { LaunchAttempt } from './capacity-failover';
import type { ResourceKind } from './cost';

/** A resource a run may create; the instance profile is shared between runs and never deleted by one. */
export type JournalResourceKind = ResourceKind | 'instance-profile';

/**
 * One line of a run's journal. `intent` is written (and fsync'd) before each create call and
 * `created` after it, so a crash between them is recognisable: an intent without a result
 * means "look for it in AWS by tag".
 */
export type JournalEntry =
  /**
   * `zone`: the instance's availability zone (prices its spot history; absent in older journals).
   * `pid` and `ticks` (its start time, absent in older journals): the TrainDeck that launched.
   */
  | {
      type: 'opened';
      at: string;
      runId: string;
      region: string;
      instanceType?: string;
      zone?: string;
      pid: number;
      ticks?: string;
    }
  | { type: 'intent'; at: string; step: string; kind: JournalResourceKind; name: string }
  | { type: 'created'; at: string; step: string; kind: JournalResourceKind; id: string }
  | {
      type: 'ready';
      at: string;
      instanceId: string;
      publicIp: string;
      sshUser: string;
      keyFile: string;
      hostKeyFingerprints: string[];
    }
  /**
   * One placement tried by the launch (capacity failover). A `refused` attempt created nothing
   * (EC2 answered with a capacity refusal), so it settles the instance's intent; a `launched`
   * one names the instance and where it runs.
   */
  | ({ type: 'attempt'; at: string } & LaunchAttempt)
  | { type: 'failed'; at: string; step: string; message: string }
  | { type: 'cleanup'; at: string; reason: string }
  | { type: 'deleted'; at: string; kind: JournalResourceKind; id: string }
  | { type: 'survivor'; at: string; kind: JournalResourceKind; id: string; reason: string }
  | { type: 'closed'; at: string; outcome: 'torn-down' | 'nothing-created' | 'nothing-left' }
  /**
   * A spot relaunch (written after the interrupted attempt's verified teardown closed the journal,
   * before the next launch opens it again): attempt `attempt` (1-based) goes to `market`.
   */
  | { type: 'relaunch'; at: string; attempt: number; market: 'spot' | 'on-demand'; reason: string };

/** What a journal says about its run, folded from its lines. */
export interface JournalSummary {
  runId: string;
  region: string;
  openedAt: string;
  closed: boolean;
  /** Resources whose create call returned, by id. */
  created: Array<{ kind: JournalResourceKind; id: string }>;
  /** Steps whose intent has no result: something may exist that only the tags can find. */
  pendingIntents: string[];
  ready?: Extract<JournalEntry, { type: 'ready' }>;
  lastFailure?: string;
  /** The TrainDeck that launched last (a spot relaunch by a TrainDeck that took the run over is its own). */
  pid?: number;
  /** That TrainDeck's start time, when journaled: a later process given its pid is not it. */
  pidTicks?: string;
  /** Time of the last line: recent journals may describe resources EC2 does not list yet. */
  lastAt: string;
}

/** Folds journal lines into a summary; undefined when the first line is not `opened`. */
export function summarizeJournal(entries: JournalEntry[]): JournalSummary | undefined {
  const first = entries[0];
  if (first?.type !== 'opened') return undefined;
  const summary: JournalSummary = {
    runId: first.runId,
    region: first.region,
    openedAt: first.at,
    closed: false,
    created: [],
    pendingIntents: [],
    pid: first.pid,
    ...(first.ticks ? { pidTicks: first.ticks } : {}),
    lastAt: first.at,
  };
  const pending = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    summary.lastAt = entry.at;
    // A later `opened` is a spot relaunch's launch: the journal, closed by the last teardown, is open again.
    if (entry.type === 'opened' && index > 0) {
      summary.closed = false;
      delete summary.ready;
      summary.pid = entry.pid;
      if (entry.ticks) summary.pidTicks = entry.ticks;
      else delete summary.pidTicks;
    } else if (entry.type === 'intent') pending.add(entry.step);
    else if (entry.type === 'created') {
      pending.delete(entry.step);
      summary.created.push({ kind: entry.kind, id: entry.id });
    } else if (entry.type === 'attempt' && entry.outcome === 'refused') pending.delete('instance');
    else if (entry.type === 'failed') {
      // A failed call may still have created something (a timeout after AWS acted): stays pending.
      summary.lastFailure = `${entry.step}: ${entry.message}`;
    } else if (entry.type === 'ready') summary.ready = entry;
    else if (entry.type === 'closed') summary.closed = true;
  }
  summary.pendingIntents = [...pending];
  return summary;
}

/** The instance's billed interval (`from`/`to`, epoch milliseconds) and placement, as the run's journal tells them. */
export interface JournaledInstance {
  region: string;
  zone?: string;
  instanceType?: string;
  from: number;
  to: number;
}

/**
 * The run's instance from its journal: launched when RunInstances returned (`created`),
 * terminated when teardown deleted it; an instance teardown did not find had already ended
 * itself (time-to-live, power-off after the push, interruption) before that scan. One still
 * there, or never torn down, is billed until `now`.
 */
export function journaledInstance(entries: JournalEntry[], now: number): JournaledInstance | undefined {
  const opened = entries.find((e) => e.type === 'opened');
  const created = entries.find((e) => e.type === 'created' && e.kind === 'instance');
  if (opened?.type !== 'opened' || created?.type !== 'created') return undefined;
  // After a capacity failover the instance is where the launched attempt put it, not where the run opened.
  const launched = entries.find((e) => e.type === 'attempt' && e.outcome === 'launched');
  const placed = launched?.type === 'attempt' ? launched : opened;
  const from = Date.parse(created.at);
  const after = entries.filter((e) => Date.parse(e.at) >= from);
  const deleted = after.find((e) => e.type === 'deleted' && e.kind === 'instance' && e.id === created.id);
  const survived = after.some((e) => e.type === 'survivor' && e.kind === 'instance' && e.id === created.id);
  const cleanup = after.find((e) => e.type === 'cleanup');
  const end = deleted ?? (survived ? undefined : cleanup);
  const to = Math.max(from, end ? Date.parse(end.at) : now);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return undefined;
  return {
    region: opened.region,
    ...(placed.zone ? { zone: placed.zone } : {}),
    ...(placed.instanceType ? { instanceType: placed.instanceType } : {}),
    from,
    to,
  };
}

/** The launch attempts a journal records, in order (empty for journals from before capacity failover). */
export function journaledAttempts(entries: JournalEntry[]): LaunchAttempt[] {
  return entries.flatMap((e) => {
    if (e.type !== 'attempt') return [];
    const { type: _t, at: _a, ...attempt } = e;
    return [attempt];
  });
}
