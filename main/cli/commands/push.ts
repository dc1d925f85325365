import { parseArgs } from 'node:util';

import { PUSH_NOW_FOLDERS, type PushNowFolder, type PushNowReport } from '../../../shared/executor/protocol';
import { lifecycleWorld } from '../../composition/lifecycle-world';
import { appDataDir } from '../../core/app-paths';
import { describePushNow } from '../../runs/run-push-now';
import { type CliCommand, CliError } from '../command';
import { asCli } from '../lifecycle/cli-failure';
import { parseCommandArgs } from '../parse-args';
import { createRunCliService } from './run';

const USAGE = `traindeck push RUN [--folder ${PUSH_NOW_FOLDERS.join('|')}]… [--send-store-credentials] [--json]`;

/**
 * `traindeck push RUN`: pushes the chosen folders (checkpoints by default) of a run that is
 * training, while it trains. Works for a run this terminal does not run (the app's, or another
 * `traindeck run`): the machine is reached from the run's journal with its pinned host key.
 * Files still being written are skipped and said so; they go up on the next push.
 */
export const pushCommand: CliCommand = {
  name: 'push',
  summary: 'push checkpoints (or models, logs) of a run now, while it trains',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(USAGE, () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          folder: { type: 'string', multiple: true },
          json: { type: 'boolean', default: false },
          'send-store-credentials': { type: 'boolean', default: false },
        },
      }),
    );
    const [runId, ...extra] = positionals;
    if (!runId || extra.length > 0) throw new CliError(`give exactly one run id. Usage: ${USAGE}`);
    const folders = [...new Set(values.folder ?? ['checkpoints'])].map(folderOf);
    return asCli(async () => {
      const service = createRunCliService(io, lifecycleWorld(io.env, appDataDir(io.env)), {
        sendStoreCredentials: values['send-store-credentials'],
      });
      const report = await service.runs.pushNow(runId, folders);
      io.out(values.json ? JSON.stringify(report) + '\n' : describeForTerminal(report));
      return report.failures.length ? 1 : 0;
    });
  },
};

function folderOf(name: string): PushNowFolder {
  if ((PUSH_NOW_FOLDERS as readonly string[]).includes(name)) return name as PushNowFolder;
  throw new CliError(`--folder ${name} is not a folder a run pushes: choose ${PUSH_NOW_FOLDERS.join(', ')}.`);
}

function describeForTerminal(report: PushNowReport): string {
  const newest = report.newestCheckpoint
    ? `newest checkpoint in S3: ${report.newestCheckpoint.key} (${report.newestCheckpoint.at})`
    : 'no checkpoint in S3 yet';
  const failures = report.failures.map((f) => `  failed: ${f.folder}/${f.relPath}: ${f.message}\n`).join('');
  return `${describePushNow(report)}\n${failures}${newest}\n`;
}
