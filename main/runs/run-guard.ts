import type { RunSnapshot } from '../../shared/domain/run';
import type { RunConfig } from '../../shared/run-config/schema';
import type { LifecycleDeps } from '../lifecycle/lifecycle-deps';
import { teardownRun } from '../lifecycle/teardown';

/**
 * Whether a run may hold cloud resources right now: an `aws-ec2` run that began provisioning
 * and whose teardown has not succeeded. The process must not exit while one does without taking
 * the teardown path (ARCHITECTURE: "The process never exits while it holds cloud resources").
 * Electron-free: the CLI's exit guard and the app's quit guard ask the same question.
 */
export function holdsCloudResources(snapshot: RunSnapshot): boolean {
  return (
    snapshot.backend === 'aws-ec2' &&
    snapshot.phases.provisioning.status !== 'pending' &&
    snapshot.phases['tearing-down'].status !== 'succeeded'
  );
}

/** What {@link emergencyTeardown} did, in one sentence for the user. */
export interface EmergencyTeardown {
  runId: string;
  /** True when the rescan found nothing of the run left (its journal is closed). */
  closed: boolean;
  line: string;
}

/**
 * The teardown path when the normal one cannot run (the process is about to end on a fatal
 * error or a wait that never settled): `traindeck teardown RUN` for the run's tag in its region,
 * bounded by `signal`. Never throws: a failure is a sentence with the command that finishes it.
 */
export async function emergencyTeardown(
  runId: string,
  config: Pick<RunConfig, 'aws'>,
  deps: LifecycleDeps,
  signal: AbortSignal,
): Promise<EmergencyTeardown> {
  const region = config.aws.region;
  const later = `Run \`traindeck teardown ${runId}\` (or \`traindeck kill-all\`) to finish it.`;
  try {
    const report = await teardownRun(runId, {
      dataDir: deps.dataDir,
      ports: deps.ports({ region, ...(config.aws.profile ? { profile: config.aws.profile } : {}) }),
      clock: deps.clock,
      sleep: deps.sleep,
      regions: [region],
      signal,
    });
    const deleted = report.outcomes.filter((o) => o.outcome === 'deleted').length;
    if (report.closed) {
      return {
        runId,
        closed: true,
        line: `Teardown of ${runId}: ${deleted} resource(s) deleted; the rescan found none left.`,
      };
    }
    const survivors = report.survivors.map((s) => `${s.resource.id} (${s.reason})`).join(', ');
    return {
      runId,
      closed: false,
      line: `Teardown of ${runId} left ${report.survivors.length} resource(s)${survivors ? `: ${survivors}` : ''}. ${later}`,
    };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\.$/, '');
    // A run whose launch never created anything has no journal and no tagged resource.
    if ((error as { code?: string }).code === 'NOT_FOUND') {
      return { runId, closed: true, line: `Teardown of ${runId}: nothing was created.` };
    }
    return { runId, closed: false, line: `Teardown of ${runId} failed: ${message}. ${later}` };
  }
}
