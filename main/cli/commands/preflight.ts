import { parseArgs } from 'node:util';

import { loadRunConfig } from '../../config/load-run-config';
import { defaultLifecycleDeps, type LifecycleDeps } from '../../lifecycle/lifecycle-deps';
import { preflightRunConfig } from '../../lifecycle/preflight/preflight-run-config';
import { runConfigPrices } from '../../lifecycle/pricing/price-source';
import { type CliCommand, CliError, type CliIo } from '../command';
import { asCli } from '../lifecycle/cli-failure';
import { formatPreflight } from '../lifecycle/format';
import { reportUnfinishedRuns } from '../lifecycle/unfinished-runs';
import { parseCommandArgs } from '../parse-args';

/** `traindeck preflight --config run.json [--json]`: every check of a launch, creating nothing. */
export function createPreflightCommand(
  makeDeps: (io: CliIo) => LifecycleDeps = (io) => defaultLifecycleDeps(io.env),
): CliCommand {
  return {
    name: 'preflight',
    summary:
      'check credentials, bucket, and the machine (instance type, quota, AMI, network — or your SSH host) for a run; creates nothing',
    usage: 'traindeck preflight --config run.json [--json]',
    async run(args, io) {
      const { values } = parseCommandArgs(this.usage, () =>
        parseArgs({ args, options: { config: { type: 'string' }, json: { type: 'boolean', default: false } } }),
      );
      if (!values.config) throw new CliError(`--config is required. Usage: ${this.usage}`);
      const configPath = values.config;
      return asCli(async () => {
        const { config, baseDir } = await loadRunConfig(configPath);
        const deps = makeDeps(io);
        await reportUnfinishedRuns(deps, io, config.aws.profile);
        const ports = deps.ports({
          region: config.aws.region,
          ...(config.aws.profile ? { profile: config.aws.profile } : {}),
        });
        const report = await preflightRunConfig({
          baseDir,
          ...(deps.openStore ? { openStore: deps.openStore } : {}),
          config,
          ports,
          publicIp: deps.publicIp,
          env: deps.env,
          clock: deps.clock,
          signal: AbortSignal.timeout(120_000),
          prices: runConfigPrices(deps, config.aws),
        });
        io.out(values.json ? JSON.stringify(report, null, 2) + '\n' : formatPreflight(report));
        return report.ok ? 0 : 1;
      });
    },
  };
}

/** The real command. */
export const preflightCommand = createPreflightCommand();
