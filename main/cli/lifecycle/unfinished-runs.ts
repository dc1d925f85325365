import { homeTarget, type LifecycleDeps } from '../../lifecycle/lifecycle-deps';
import { reconcileOpenRuns } from '../../lifecycle/reconcile';
import type { CliIo } from '../command';

/**
 * Looks for runs a crashed process left open and prints one line each on stderr. Runs at the
 * start of every AWS command, so a crash is noticed the next time anything is done. Never fatal.
 */
export async function reportUnfinishedRuns(deps: LifecycleDeps, io: CliIo, profile?: string): Promise<void> {
  try {
    const target = await homeTarget(deps.env);
    const ports = deps.ports({ ...target, ...(profile ? { profile } : {}) });
    for (const run of await reconcileOpenRuns({
      dataDir: deps.dataDir,
      ports,
      clock: deps.clock,
      sleep: deps.sleep,
      signal: AbortSignal.timeout(60_000),
    })) {
      if (run.advice === 'closed') {
        io.err(`· unfinished run ${run.runId}: nothing of it is left in AWS; its journal is now closed.\n`);
      } else {
        const cost = run.resources.reduce((sum, r) => sum + (r.hourlyUsd ?? 0), 0);
        const next =
          run.advice === 'resume'
            ? `its instance is still running: follow it to the end (verify, tear down) with \`traindeck reattach ${run.runId}\`, or delete it now with`
            : 'clean it up with';
        io.err(
          `! unfinished run ${run.runId} (${run.region}): ${run.resources.length} resource(s), $${cost.toFixed(4)}/h — ${next} \`traindeck teardown ${run.runId}\`.\n`,
        );
      }
    }
  } catch (error) {
    io.err(`! could not check for unfinished runs: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
