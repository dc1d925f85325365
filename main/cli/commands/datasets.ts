import { parseArgs } from 'node:util';

import type { SyncEvent } from '../../../shared/sync/events';
import { loadRunConfig } from '../../config/load-run-config';
import { openSync } from '../../sync/open-sync';
import { publishDatasets } from '../../sync/publish';
import { type CliCommand, CliError } from '../command';
import { parseCommandArgs } from '../parse-args';
import { formatPlan, formatSummary } from '../sync-output';

const USAGE = 'traindeck datasets publish --config run.json SRC [--folder NAME] [--dry-run] [--json]';

/**
 * `traindeck datasets publish`: uploads dataset files from anywhere into the run's pull-only
 * folder, the way runs expect them (SSE-C with the run's key, INTELLIGENT_TIERING, SHA-256 and
 * mtime metadata). The one command that writes to a pull-only folder.
 */
export const datasetsCommand: CliCommand = {
  name: 'datasets',
  summary: 'publish dataset files into the pull-only datasets folder (SSE-C, Intelligent-Tiering, SHA-256)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(USAGE, () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          config: { type: 'string' },
          folder: { type: 'string' },
          'dry-run': { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
        },
      }),
    );
    const [action, source, ...extra] = positionals;
    if (action !== 'publish') throw new CliError(`say publish. Usage: ${USAGE}`);
    if (!source) throw new CliError(`give the file or folder to publish. Usage: ${USAGE}`);
    if (extra.length) throw new CliError(`unexpected argument "${extra[0]}". Usage: ${USAGE}`);
    if (!values.config) throw new CliError(`--config is required. Usage: ${USAGE}`);
    const loaded = await loadRunConfig(values.config);
    const opened = await openSync(loaded, { env: io.env });
    const datasets = opened.spec.folders.filter((f) => f.policy === 'pull-only');
    const folder = values.folder ?? (datasets.length === 1 ? datasets[0]!.name : undefined);
    if (!folder) {
      throw new CliError(
        `the config has ${datasets.length} pull-only folders: say which with --folder (${datasets.map((f) => f.name).join(', ') || 'none'})`,
      );
    }
    const emit = (event: SyncEvent) => {
      if (values.json) io.out(JSON.stringify(event) + '\n');
      else if (event.type === 'failed-file') io.err(`✗ ${event.folder}/${event.relPath}: ${event.message}\n`);
    };
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    try {
      const { plan, summary } = await publishDatasets({
        store: opened.store,
        spec: opened.spec,
        folder,
        source,
        dryRun: values['dry-run'],
        signal: controller.signal,
        onEvent: emit,
      });
      if (!summary) {
        if (values.json) {
          for (const { local: _l, remote: _r, ...rest } of plan.folders.flatMap((f) => f.actions)) {
            emit({ type: 'action', action: rest });
          }
        } else io.out(formatPlan(plan));
        return 0;
      }
      if (values.json) emit({ type: 'summary', summary });
      else io.out(formatSummary(summary));
      return summary.failures.length || summary.cancelled ? 1 : 0;
    } finally {
      process.off('SIGINT', onSignal);
    }
  },
};
