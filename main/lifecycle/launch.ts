import { randomBytes } from 'node:crypto';

import type { LaunchMarket, PlacementCandidate } from '../../shared/domain/capacity-failover';
import type { PreflightReport } from '../../shared/domain/preflight';
import { type JournalEntry, summarizeJournal } from '../../shared/domain/run-journal';
import { makeRunId } from '../../shared/domain/tags';
import { TypedError } from '../../shared/ipc/result';
import type { RunConfig } from '../../shared/run-config/schema';
import { joinSentences } from '../../shared/text/sentences';
import type { AwsPorts } from '../aws/ports/aws-ports';
import { confirmedDeleted } from './cost/kill-all';
import { RunJournal } from './journal/run-journal';
import { readJournal } from './journal/run-journal';
import type { LifecycleDeps } from './lifecycle-deps';
import { preflightError } from './preflight/host-preflight';
import { type LaunchPlan, runPreflight } from './preflight/run-preflight';
import { runConfigPrices } from './pricing/price-source';
import {
  type ProvisionedRun,
  provisionFailure,
  provisionRun,
  type ProvisionWait,
  type ProvisionWaits,
} from './provision/provision';
import { teardownRun } from './teardown';

/** Options of {@link launchRun}. */
export interface LaunchOptions {
  signal?: AbortSignal;
  onStep?(step: string, detail: string): void;
  /** Progress of the waits after the instance is created (elapsed and limit of each). */
  onWait?(wait: ProvisionWait): void;
  /** The placement the launch got (after any capacity failover), as soon as its instance exists. */
  onLaunched?(placement: PlacementCandidate): void;
  onPreflight?(report: PreflightReport): void;
  waits?: Partial<ProvisionWaits>;
  /** Fixed run id (tests); otherwise from the run name and the time. */
  runId?: string;
  /** A preflight just run for this launch (a run's preflight phase): not repeated. */
  preflight?: { report: PreflightReport; plan?: LaunchPlan };
  /** Which launch of the run this is (a spot relaunch: 2 on). */
  attempt?: number;
}

/**
 * Preflight, then provisioning until the instance answers SSH. Nothing is created unless every
 * check passes. Any failure after the first create call (including a cancel) deletes what the
 * run created, verifies by rescan, and says so in the error.
 */
export async function launchRun(
  config: RunConfig,
  deps: LifecycleDeps,
  options: LaunchOptions = {},
): Promise<ProvisionedRun> {
  const ports = deps.ports({
    region: config.aws.region,
    ...(config.aws.profile ? { profile: config.aws.profile } : {}),
  });
  const { report, plan } =
    options.preflight ??
    (await runPreflight({
      config,
      ports,
      publicIp: deps.publicIp,
      env: deps.env,
      clock: deps.clock,
      ...(options.signal ? { signal: options.signal } : {}),
      prices: runConfigPrices(deps, config.aws),
    }));
  options.onPreflight?.(report);
  if (!plan) throw preflightError(report);
  const runId = options.runId ?? makeRunId(config.name, new Date(deps.clock.now()), randomBytes(2).toString('hex'));
  const journal = await RunJournal.open(deps.dataDir, runId, () => deps.clock.now());
  let step = 'start';
  try {
    return await provisionRun(plan, runId, {
      ports,
      journal,
      dataDir: deps.dataDir,
      clock: deps.clock,
      sleep: deps.sleep,
      probe: deps.probe,
      createdBy: deps.createdBy,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.waits ? { waits: options.waits } : {}),
      ...(options.attempt ? { attempt: options.attempt } : {}),
      ...(options.onWait ? { onWait: options.onWait } : {}),
      ...(options.onLaunched ? { onLaunched: options.onLaunched } : {}),
      onStep: (name, detail) => {
        step = name;
        options.onStep?.(name, detail);
      },
    });
  } catch (error) {
    const reason = options.signal?.aborted ? 'cancelled' : provisionFailure(error);
    await journal.append({ type: 'failed', step, message: reason }).catch(() => undefined);
    // The failure's own fix (e.g. "add instance types to compute.alternatives") survives a clean cleanup.
    const fix = error instanceof TypedError ? error.fix : undefined;
    throw await cleanUpAfterFailure(runId, plan.region, `Launch failed at "${step}": ${reason}`, ports, deps, {
      ...options,
      ...(fix ? { fix } : {}),
    });
  } finally {
    await journal.close().catch(() => undefined);
  }
}

/**
 * What a failed launch's own cleanup did, carried by its error so the run's tearing-down phase,
 * its report and its journal tell the same story ("nothing was launched" only when nothing was).
 */
export interface LaunchCleanup {
  runId: string;
  /** Resources the journal says were created (the shared instance profile aside). */
  created: Array<{ kind: string; id: string }>;
  /** Deletions the rescan confirmed. */
  deleted: Array<{ kind: string; id: string }>;
  /** What the rescan still found, and why it is still there. */
  survivors: Array<{ kind: string; id: string; reason: string }>;
  /** True when the rescan found nothing of the run and the journal was closed. */
  closed: boolean;
  /** Why the cleanup itself failed, when it did (then nothing is known about what is left). */
  error?: string;
  /** The instance this launch created before it failed (RunInstances answered): it ran, so it billed. */
  launched?: LaunchedInstance;
}

/** The instance a failed launch created before its cleanup terminated it (see {@link LaunchCleanup}). */
export interface LaunchedInstance {
  instanceId: string;
  instanceType: string;
  zone: string;
  market: LaunchMarket;
  /** ISO 8601: when RunInstances answered (its journal line). */
  launchedAt: string;
  /** ISO 8601: when the cleanup's rescan confirmed it gone; absent when it did not (it may still run). */
  endedAt?: string;
}

/** The cleanup result a failed {@link launchRun} carries, if its failure came after the journal opened. */
export function launchCleanupOf(error: unknown): LaunchCleanup | undefined {
  return error instanceof TypedError ? (error.details?.cleanup as LaunchCleanup | undefined) : undefined;
}

async function cleanUpAfterFailure(
  runId: string,
  region: string,
  headline: string,
  ports: AwsPorts,
  deps: LifecycleDeps,
  options: LaunchOptions & { fix?: string },
): Promise<TypedError> {
  options.onStep?.('cleanup', `deleting what run ${runId} created`);
  // This launch's own journal lines: a spot relaunch's journal also holds the earlier launches' creates, torn
  // down (verified) before it opened again, which this cleanup neither created nor deleted.
  const thisLaunch = async () => {
    const entries = await readJournal(deps.dataDir, runId).catch(() => []);
    return entries.slice(
      Math.max(
        0,
        entries.findLastIndex((entry) => entry.type === 'opened'),
      ),
    );
  };
  // Each resource once (the SSH rule is journaled as its security group), the shared instance profile aside.
  const created = async () => {
    const journaled = summarizeJournal(await thisLaunch())?.created ?? [];
    const byId = new Map(journaled.filter((r) => r.kind !== 'instance-profile').map((r) => [r.id, r]));
    return [...byId.values()];
  };
  try {
    // The run's own signal may be the reason we are here: cleanup gets a fresh, bounded one.
    const report = await teardownRun(runId, {
      dataDir: deps.dataDir,
      ports,
      clock: deps.clock,
      sleep: deps.sleep,
      regions: [region],
      signal: AbortSignal.timeout(20 * 60_000),
    });
    const deleted = confirmedDeleted(report).map((o) => ({ kind: o.resource.kind, id: o.resource.id }));
    const launched = launchedBy(await thisLaunch());
    const gone = report.closed || deleted.some((d) => d.kind === 'instance' && d.id === launched?.instanceId);
    const cleanup: LaunchCleanup = {
      runId,
      created: await created(),
      deleted,
      survivors: report.survivors.map((s) => ({ kind: s.resource.kind, id: s.resource.id, reason: s.reason })),
      closed: report.closed,
      ...(launched
        ? { launched: gone ? { ...launched, endedAt: new Date(deps.clock.now()).toISOString() } : launched }
        : {}),
    };
    if (report.closed) {
      return new TypedError(
        'AWS',
        joinSentences(headline, `Cleaned up: ${deleted.length} resource(s) deleted, nothing of run ${runId} is left`),
        { ...(options.fix ? { fix: options.fix } : {}), details: { cleanup } },
      );
    }
    const left = report.survivors.map((s) => `${s.resource.id} (${s.reason})`).join(', ');
    return new TypedError(
      'AWS',
      joinSentences(headline, `Cleanup left ${report.survivors.length} resource(s): ${left}`),
      { fix: `Run \`traindeck teardown ${runId}\` again, or \`traindeck kill-all\`.`, details: { cleanup } },
    );
  } catch (error) {
    const reason = provisionFailure(error);
    const launched = launchedBy(await thisLaunch());
    const cleanup: LaunchCleanup = {
      runId,
      created: await created(),
      deleted: [],
      survivors: [],
      closed: false,
      error: reason,
      ...(launched ? { launched } : {}),
    };
    return new TypedError('AWS', joinSentences(headline, `Cleanup failed too (${reason})`), {
      fix: `Run \`traindeck teardown ${runId}\`; its resources are tagged traindeck:run-id=${runId}.`,
      details: { cleanup },
    });
  }
}

// The instance RunInstances gave this launch (its journaled placement attempt that launched), if any.
function launchedBy(entries: JournalEntry[]): LaunchedInstance | undefined {
  const launched = entries.findLast((entry) => entry.type === 'attempt' && entry.outcome === 'launched');
  if (launched?.type !== 'attempt' || !launched.instanceId) return undefined;
  const { instanceId, instanceType, zone, market, at } = launched;
  return { instanceId, instanceType, zone, market, launchedAt: at };
}

/**
 * The instance that launch `attempt` of a spot relaunch got from RunInstances, as the run's journal
 * records it (its lines after that attempt's `relaunch` line), with the time a teardown deleted it:
 * what a TrainDeck killed during that launch left, for the next one to bill once its verified
 * teardown (by run tag) terminated it. Undefined: that launch got no instance (or never began).
 */
export function relaunchLaunched(entries: JournalEntry[], attempt: number): LaunchedInstance | undefined {
  const from = entries.findLastIndex((entry) => entry.type === 'relaunch' && entry.attempt === attempt);
  if (from < 0) return undefined;
  const after = entries.slice(from);
  const launched = launchedBy(after);
  if (!launched) return undefined;
  const deleted = after.find(
    (entry) => entry.type === 'deleted' && entry.kind === 'instance' && entry.id === launched.instanceId,
  );
  return deleted ? { ...launched, endedAt: deleted.at } : launched;
}
