import { parseArgs } from 'node:util';

import { untrackedPhrase } from '../../../shared/domain/kill-all';
import { formatDurationMs } from '../../../shared/monitor/notices';
import { executeCleanup, planKillAll, RUNS_END_LIMIT_MS, runsToStopFirst } from '../../lifecycle/cost/kill-all';
import { scanAccount } from '../../lifecycle/cost/scanner';
import { defaultLifecycleDeps, homeTarget, type LifecycleDeps } from '../../lifecycle/lifecycle-deps';
import { closeCleanedRuns } from '../../lifecycle/teardown';
import { askOwnersToStop, liveRunsOfOthers, waitRunsEnded } from '../../runs/stop-request';
import { type CliCommand, CliError, type CliIo } from '../command';
import { asCli } from '../lifecycle/cli-failure';
import { formatCleanup, formatResources } from '../lifecycle/format';
import { reportUnfinishedRuns } from '../lifecycle/unfinished-runs';
import { parseCommandArgs } from '../parse-args';

/**
 * `traindeck kill-all [--include-untracked] [--yes] [--confirm PHRASE]`: a dry run by default;
 * `--yes` deletes TrainDeck's resources in every region; untracked ones also need
 * `--include-untracked` and the typed phrase the dry run prints.
 */
export function createKillAllCommand(
  makeDeps: (io: CliIo) => LifecycleDeps = (io) => defaultLifecycleDeps(io.env),
  /** How long another TrainDeck is given to take the stop request of its run (its run service looks every second). */
  stopWaitMs = 15_000,
  /** How long those stopped runs are given to end (their own teardown) before the deletions go ahead. */
  runsEndLimitMs = RUNS_END_LIMIT_MS,
): CliCommand {
  return {
    name: 'kill-all',
    summary: 'delete every cost resource TrainDeck made in every region (dry run unless --yes), then verify',
    usage: 'traindeck kill-all [--include-untracked] [--yes] [--confirm "delete N untracked"]',
    async run(args, io) {
      const { values } = parseCommandArgs(this.usage, () =>
        parseArgs({
          args,
          options: {
            'include-untracked': { type: 'boolean', default: false },
            yes: { type: 'boolean', default: false },
            confirm: { type: 'string' },
          },
        }),
      );
      return asCli(async () => {
        const deps = makeDeps(io);
        await reportUnfinishedRuns(deps, io);
        const ports = deps.ports(await homeTarget(deps.env));
        const common = { clock: deps.clock, sleep: deps.sleep, signal: AbortSignal.timeout(30 * 60_000) };
        const plan = planKillAll(await scanAccount({ ports, ...common }), values['include-untracked']);
        const untracked = plan.targets.filter((r) => !r.ours).length;
        if (plan.targets.length === 0) {
          // Nothing bills now, but another TrainDeck's run between two spot attempts would launch again.
          if (values.yes) {
            await stopOthersFirst(deps.dataDir, liveRunsOfOthers(deps.dataDir), io, { stopWaitMs, runsEndLimitMs });
          }
          io.out(
            `Nothing to delete.${plan.untouchedUntracked.length ? ` ${plan.untouchedUntracked.length} untracked resource(s) exist; see \`traindeck scan --all-regions\`.` : ''}\n`,
          );
          return 0;
        }
        io.out(
          `${values.yes ? 'Deleting' : 'Would delete'} ${plan.targets.length} resource(s):\n${formatResources(plan.targets)}`,
        );
        if (plan.untouchedUntracked.length) {
          io.out(
            `Left alone: ${plan.untouchedUntracked.length} untracked resource(s) (add --include-untracked to include them).\n`,
          );
        }
        if (!values.yes) {
          io.out(
            `Dry run: nothing deleted. Run again with --yes${untracked ? ` --confirm "${untrackedPhrase(untracked)}"` : ''} to delete.\n`,
          );
          return 0;
        }
        if (untracked > 0 && values.confirm !== untrackedPhrase(untracked)) {
          throw new CliError(
            `deleting ${untracked} untracked resource(s) needs --confirm "${untrackedPhrase(untracked)}".`,
          );
        }
        const tornDownBy = await stopOthersFirst(
          deps.dataDir,
          [...runsToStopFirst(plan.targets), ...liveRunsOfOthers(deps.dataDir)],
          io,
          { stopWaitMs, runsEndLimitMs },
        );
        const report = await executeCleanup(plan.targets, (r) => r.ours || values['include-untracked'], {
          ports,
          ...common,
          // What a stopped run's own teardown deleted is said as its ("already deleted by run …"), not as ours.
          tornDownBy,
          onProgress: (event) =>
            event.outcome !== 'deleting' &&
            io.out(
              `  ${DELETION_MARKS[event.outcome]} ${event.resource.kind} ${event.resource.id}${event.reason ? `: ${event.reason}` : ''}\n`,
            ),
        });
        io.out(formatCleanup(report));
        const closed = await closeCleanedRuns(deps.dataDir, report, () => deps.clock.now());
        if (closed.length) {
          io.out(`Closed the journal of ${closed.length} run(s) and removed their SSH keys: ${closed.join(', ')}.\n`);
        }
        return report.survivors.length === 0 ? 0 : 1;
      });
    },
  };
}

// ✓ deleted by this kill-all, – already gone (a stopped run's teardown deleted it), ✗ failed.
const DELETION_MARKS = { deleted: '✓', gone: '–', failed: '✗' } as const;

/** The real command. */
export const killAllCommand = createKillAllCommand();

/**
 * A run another TrainDeck runs (the app, another terminal) could launch again after the deletions (a
 * spot relaunch between attempts): that process is asked to stop it first, as the app's kill-all does,
 * and its own teardown goes first.
 */
async function stopOthersFirst(
  dataDir: string,
  runIds: readonly string[],
  io: CliIo,
  { stopWaitMs, runsEndLimitMs }: { stopWaitMs: number; runsEndLimitMs: number },
): Promise<string[]> {
  const asked = await askOwnersToStop(dataDir, runIds, `stopped by traindeck kill-all (pid ${process.pid})`, {
    timeoutMs: stopWaitMs,
  });
  for (const { runId, pid, why } of asked.unheard) {
    io.err(
      `! run ${runId} is run by another TrainDeck (pid ${pid}), which ${why ? `was not asked: ${why}` : `did not take the stop request within ${stopWaitMs / 1000} s`}: stop it there, or it may launch again after this kill-all.\n`,
    );
  }
  if (asked.ended?.length) io.out(`${asked.ended.join(', ')} ended on its own while asked to stop.\n`);
  if (asked.heard.length) {
    io.out(
      `Stopped ${asked.heard.length} live run(s) of another TrainDeck first: ${asked.heard.join(', ')}; waiting (at most ${formatDurationMs(runsEndLimitMs)}) for them to end.\n`,
    );
    const ended = await waitRunsEnded(dataDir, asked.heard, AbortSignal.timeout(runsEndLimitMs)).catch(() => undefined);
    if (!ended) {
      io.err(
        `! ${asked.heard.join(', ')} had not ended ${formatDurationMs(runsEndLimitMs)} after the stop; deleting its resources anyway.\n`,
      );
    } else if (ended.length) {
      io.err(
        `! the TrainDeck running ${ended.join(', ')} exited before the run ended, so nobody will end it: deleting its resources now, without waiting.\n`,
      );
    }
  }
  // The runs waited for: their own teardowns may have deleted some of the targets meanwhile.
  return asked.heard;
}
