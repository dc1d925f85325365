import { parseArgs } from 'node:util';

import { loadRunConfig } from '../../config/load-run-config';
import { launchRun } from '../../lifecycle/launch';
import { defaultLifecycleDeps, type LifecycleDeps } from '../../lifecycle/lifecycle-deps';
import { formatWait } from '../../lifecycle/provision/provision';
import { type CliCommand, CliError, type CliIo } from '../command';
import { asCli } from '../lifecycle/cli-failure';
import { formatPreflight } from '../lifecycle/format';
import { reportUnfinishedRuns } from '../lifecycle/unfinished-runs';
import { parseCommandArgs } from '../parse-args';

/** Ctrl-C cancels the launch (which then cleans up) instead of killing the process mid-create. */
function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/** `traindeck launch --config run.json [--json]`: preflight, provision, stop when SSH answers. */
export function createLaunchCommand(
  makeDeps: (io: CliIo) => LifecycleDeps = (io) => defaultLifecycleDeps(io.env),
): CliCommand {
  return {
    name: 'launch',
    summary: 'preflight, then create the run instance and wait until SSH answers (cleans up on failure)',
    usage: 'traindeck launch --config run.json [--json]',
    async run(args, io) {
      const { values } = parseCommandArgs(this.usage, () =>
        parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean', default: false } } }),
      );
      if (!values.config) throw new CliError(`--config is required. Usage: ${this.usage}`);
      const configPath = values.config;
      const interrupt = interruptSignal();
      return asCli(async () => {
        const { config } = await loadRunConfig(configPath);
        const deps = makeDeps(io);
        await reportUnfinishedRuns(deps, io, config.aws.profile);
        const run = await launchRun(config, deps, {
          signal: AbortSignal.any([interrupt.signal, AbortSignal.timeout(45 * 60_000)]),
          onPreflight: (report) => !values.json && io.out(formatPreflight(report)),
          onStep: (_step, detail) => !values.json && io.out(`→ ${detail}\n`),
          onWait: (wait) => !values.json && io.out(`  · ${formatWait(wait)}\n`),
        });
        const ssh = `ssh -i ${run.keyFile} ${run.sshUser}@${run.publicIp}`;
        io.out(
          values.json
            ? JSON.stringify(run, null, 2) + '\n'
            : `Run ${run.runId}: ${run.instanceId} is reachable at ${run.publicIp}.\n  ${ssh}\n  host key ${run.hostKeyFingerprints.join(', ') || 'not in the console yet (pin at first sight)'}\n  stop it: traindeck teardown ${run.runId}\n`,
        );
        return 0;
      }).finally(interrupt.dispose);
    },
  };
}

/** The real command. */
export const launchCommand = createLaunchCommand();
