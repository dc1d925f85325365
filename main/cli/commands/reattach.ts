import { parseArgs } from 'node:util';

import { lifecycleWorld } from '../../composition/lifecycle-world';
import { appDataDir } from '../../core/app-paths';
import { type CliCommand, CliError } from '../command';
import { asCli } from '../lifecycle/cli-failure';
import { parseCommandArgs } from '../parse-args';
import { runPrinter } from '../run-printer';
import { createRunCliService } from './run';

const USAGE = 'traindeck reattach RUN [--stop] [--json]';

/**
 * `traindeck reattach RUN` (also `traindeck run --reattach RUN`): takes over a run a killed
 * TrainDeck left unfinished. Its executor trains and pushes on its own; this reconnects with the
 * pinned host key and the run's key, follows it from where the last one stopped reading, verifies
 * the push in S3 and tears down. `--stop` (or Ctrl-C) stops the training first: push, verify,
 * tear down. A run killed before its machine was reached is torn down at once; one killed between
 * two attempts of a spot relaunch goes on with the relaunch (`--stop`: torn down, nothing launched).
 */
export const reattachCommand: CliCommand = {
  name: 'reattach',
  summary: 'take over a run a killed TrainDeck left: follow it to the end, verify the push, tear down',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(USAGE, () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: { stop: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
      }),
    );
    const [runId, ...extra] = positionals;
    if (!runId || extra.length > 0) throw new CliError(`give exactly one run id. Usage: ${USAGE}`);
    return asCli(async () => {
      const printer = runPrinter(io, values.json);
      const service = createRunCliService(
        io,
        lifecycleWorld(io.env, appDataDir(io.env)),
        printer.observer ? { observer: printer.observer } : {},
      );
      service.bus.on('runs.event', printer.print);
      service.runs.reattach(runId, { stop: values.stop });
      const stopOnSignal = io.host?.onStopSignal((signal) => {
        if (service.runs.cancel(runId)) {
          io.err(`traindeck: ${signal}: stopping run ${runId} gracefully (push, verify, then teardown).\n`);
        }
      });
      try {
        const snapshot = await service.runs.wait(runId);
        return snapshot.state === 'succeeded' || (values.stop && snapshot.state === 'cancelled') ? 0 : 1;
      } finally {
        printer.close();
        stopOnSignal?.();
      }
    });
  },
};
