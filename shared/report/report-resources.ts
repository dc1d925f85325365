import type { LaunchAttempt } from '../domain/capacity-failover';
import type { ComputeBackendKind } from '../domain/run';
import { journaledAttempts, type JournalEntry, type JournalResourceKind } from '../domain/run-journal';
import { isOwnMachine } from './format';

/** Where one created resource ended. */
export type ResourceFate =
  /** Deleted, and the rescan after the teardown found nothing of the run. */
  | 'deleted-verified'
  /** Deleted, but no rescan has confirmed the run is gone yet. */
  | 'deleted'
  /** Not deleted by a call of ours (e.g. a volume that went with its instance), and the rescan found nothing. */
  | 'gone-verified'
  /** Still there after the teardown. */
  | 'survivor'
  /** Kept on purpose: shared between runs and free (the instance profile). */
  | 'kept'
  /** Created; nothing says it was deleted. */
  | 'unconfirmed';

/** One resource of a run, from its journal. */
export interface ReportResource {
  kind: JournalResourceKind;
  id: string;
  region: string;
  /** ISO time the create call returned; absent for resources the teardown found by tag only. */
  createdAt?: string;
  deletedAt?: string;
  fate: ResourceFate;
  /** Why a survivor survived. */
  reason?: string;
}

/** The resources part of a report. */
export interface ReportResources {
  rows: ReportResource[];
  /** True when the journal is closed: a rescan found nothing of the run in its region. */
  verified: boolean;
  /** One line for the report: what was created and whether it is all gone. */
  summary: string;
  /** Where the launch tried to place the instance, in order (capacity failover); absent before any attempt. */
  attempts?: LaunchAttempt[];
}

/**
 * Folds a run's journal (`journal.jsonl`: creates, deletions, survivors, the closing rescan)
 * into one row per resource. Runs on the user's own machine have no journal and create nothing.
 */
export function reportResources(
  entries: JournalEntry[] | undefined,
  backend: ComputeBackendKind,
  runId = 'RUN',
): ReportResources {
  const opened = entries?.[0]?.type === 'opened' ? entries[0] : undefined;
  if (!entries || !opened) {
    const summary =
      backend === 'aws-ec2'
        ? 'No journal: nothing was created in AWS (or it was recorded elsewhere).'
        : backend === 'local'
          ? 'Nothing was created in AWS: the run used this computer (its temp folder is removed).'
          : 'Nothing was created in AWS: the run used your own machine.';
    return { rows: [], verified: isOwnMachine(backend), summary };
  }
  const rows = new Map<string, ReportResource>();
  const row = (kind: JournalResourceKind, id: string) => {
    const key = `${kind}:${id}`;
    const existing = rows.get(key) ?? { kind, id, region: opened.region, fate: 'unconfirmed' as ResourceFate };
    rows.set(key, existing);
    return existing;
  };
  let closedAt: string | undefined;
  for (const entry of entries) {
    if (entry.type === 'created') row(entry.kind, entry.id).createdAt ??= entry.at;
    else if (entry.type === 'deleted') {
      Object.assign(row(entry.kind, entry.id), { deletedAt: entry.at, fate: 'deleted' });
    } else if (entry.type === 'survivor') {
      Object.assign(row(entry.kind, entry.id), { fate: 'survivor', reason: entry.reason });
    }
    // A teardown after a close (a second one), or a spot relaunch's launch (a later `opened`), reopens
    // the question until the journal closes again.
    else if (entry.type === 'cleanup' || entry.type === 'opened') closedAt = undefined;
    else if (entry.type === 'closed') closedAt = entry.at;
  }
  const verified = closedAt !== undefined;
  for (const resource of rows.values()) {
    if (resource.kind === 'instance-profile') resource.fate = 'kept';
    else if (verified && resource.fate === 'deleted') resource.fate = 'deleted-verified';
    else if (verified && resource.fate === 'unconfirmed') resource.fate = 'gone-verified';
  }
  const list = [...rows.values()];
  const left = list.filter((r) => r.fate === 'survivor' || r.fate === 'unconfirmed').length;
  const countOf = (n: number) => `${n} resource${n === 1 ? '' : 's'}`;
  const summary = verified
    ? `${countOf(list.filter((r) => r.fate !== 'kept').length)} created; a rescan after the teardown found nothing of the run in ${opened.region}.`
    : `${countOf(left)} not confirmed deleted: use Tear down now, or run traindeck teardown ${runId}.`;
  const attempts = journaledAttempts(entries);
  return { rows: list, verified, summary, ...(attempts.length ? { attempts } : {}) };
}
