import { parseArgs } from 'node:util';

import { defaultLifecycleDeps, homeTarget, type LifecycleDeps } from '../../lifecycle/lifecycle-deps';
import { teardownRun } from '../../lifecycle/teardown';
import { type CliCommand, CliError, type CliIo } from '../command';
import { asCli } from '../lifecycle/cli-failure';
import { formatCleanup } from '../lifecycle/format';
import { parseCommandArgs } from '../parse-args';

/** `traindeck teardown RUN [--json]`: delete everything tagged with the run, verify by rescan, close its journal. */
export function createTeardownCommand(
  makeDeps: (io: CliIo) => LifecycleDeps = (io) => defaultLifecycleDeps(io.env),
): CliCommand {
  return {
    name: 'teardown',
    summary: 'delete every resource of one run, verify by rescanning all regions, close its journal',
    usage: 'traindeck teardown RUN [--json]',
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(this.usage, () =>
        parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } }),
      );
      const [runId, ...extra] = positionals;
      if (!runId || extra.length > 0) throw new CliError(`give exactly one run id. Usage: ${this.usage}`);
      return asCli(async () => {
        const deps = makeDeps(io);
        const report = await teardownRun(runId, {
          dataDir: deps.dataDir,
          ports: deps.ports(await homeTarget(deps.env)),
          clock: deps.clock,
          sleep: deps.sleep,
          signal: AbortSignal.timeout(30 * 60_000),
        });
        if (values.json) {
          io.out(
            JSON.stringify(
              {
                runId,
                closed: report.closed,
                outcomes: report.outcomes,
                survivors: report.survivors,
                unverifiedRegions: report.unverifiedRegions,
              },
              null,
              2,
            ) + '\n',
          );
        } else {
          io.out(
            formatCleanup(report) +
              (report.closed
                ? `Run ${runId} is closed.\n`
                : `Run ${runId} stays open: run this again once the survivors are gone.\n`),
          );
        }
        return report.closed ? 0 : 1;
      });
    },
  };
}

/** The real command. */
export const teardownCommand = createTeardownCommand();
