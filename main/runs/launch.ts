import { randomBytes } from 'node:crypto';
import { makeRunId } from '../../shared/domain/tags';
import type { PreflightReport } from '../../shared/domain/preflight';
import { TypedError } from '../../shared/ipc/result';
import { joinSentences } from '../../shared/text/sentences';
import type { RunConfig } from '../../shared/run-config/schema';
import type { AwsPorts } from '../aws/ports/aws-ports';
import { RunJournal } from './journal/run-journal';
import type { LifecycleDeps } from './lifecycle-deps';
import { runPreflight } from './preflight/run-preflight';
import { provisionFailure, provisionRun, type ProvisionedRun, type ProvisionWaits } from './provision/provision';
import { teardownRun } from './teardown';

/** Options of {@link launchRun}. */
export interface LaunchOptions {
  signal?: AbortSignal;
  onStep?(step: string, detail: string): void;
  onPreflight?(report: PreflightReport): void;
  waits?: Partial<ProvisionWaits>;
  /** Fixed run id (tests); otherwise from the run name and the time. */
  runId?: string;
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
  const { report, plan } = await runPreflight({
    config,
    ports,
    publicIp: deps.publicIp,
    env: deps.env,
    clock: deps.clock,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  options.onPreflight?.(report);
  if (!plan) {
    const first = report.checks.find((c) => c.status === 'fail');
    throw new TypedError(
      'PRECONDITION_FAILED',
      joinSentences(
        `Preflight failed: ${first ? `${first.label}: ${first.value}` : 'see the report'}`,
        'Nothing was created',
      ),
      { ...(first?.fix ? { fix: first.fix } : {}), details: { report } },
    );
  }
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
      onStep: (name, detail) => {
        step = name;
        options.onStep?.(name, detail);
      },
    });
  } catch (error) {
    const reason = options.signal?.aborted ? 'cancelled' : provisionFailure(error);
    await journal.append({ type: 'failed', step, message: reason }).catch(() => undefined);
    throw await cleanUpAfterFailure(runId, plan.region, `Launch failed at "${step}": ${reason}`, ports, deps, options);
  } finally {
    await journal.close().catch(() => undefined);
  }
}

async function cleanUpAfterFailure(
  runId: string,
  region: string,
  headline: string,
  ports: AwsPorts,
  deps: LifecycleDeps,
  options: LaunchOptions,
): Promise<TypedError> {
  options.onStep?.('cleanup', `deleting what run ${runId} created`);
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
    const deleted = report.outcomes.filter((o) => o.outcome === 'deleted').length;
    if (report.closed)
      return new TypedError(
        'AWS',
        `${headline}. Cleaned up: ${deleted} resource(s) deleted, nothing of run ${runId} is left.`,
      );
    const left = report.survivors.map((s) => `${s.resource.id} (${s.reason})`).join(', ');
    return new TypedError('AWS', `${headline}. Cleanup left ${report.survivors.length} resource(s): ${left}.`, {
      fix: `Run \`traindeck teardown ${runId}\` again, or \`traindeck kill-all\`.`,
    });
  } catch (error) {
    return new TypedError('AWS', `${headline}. Cleanup failed too (${provisionFailure(error)}).`, {
      fix: `Run \`traindeck teardown ${runId}\`; its resources are tagged traindeck:run-id=${runId}.`,
    });
  }
}
