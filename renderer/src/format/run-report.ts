import { RUN_PHASES, type RunSnapshot } from '../../../shared/domain/run';
import type { MonitorSnapshot } from '../../../shared/monitor/view';
import { formatHourly, formatUsd } from './money';
import { formatDuration } from './time';

const seconds = (from?: string, to?: string) => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : undefined);

/**
 * A run's report as Markdown (for a ticket, a notebook or a commit message): outcome, phases
 * with their times and failures, progress, and what it cost at the bundled table's prices.
 */
export function runReportMarkdown(run: RunSnapshot, monitor: MonitorSnapshot | undefined): string {
  const total = seconds(run.startedAt, run.endedAt);
  const lines = [
    `# Run ${run.name}`,
    '',
    `- Outcome: **${run.state}**${run.exitCode !== undefined && run.exitCode !== null ? ` (exit code ${run.exitCode})` : ''}`,
    `- Run id: \`${run.runId}\` on ${run.backend}${run.host ? ` (${run.host})` : ''}`,
    `- Started: ${run.startedAt}${run.endedAt ? `, ended ${run.endedAt}` : ''}${total === undefined ? '' : ` (${formatDuration(total)})`}`,
    ...(run.reason ? [`- Reason: ${run.reason}`] : []),
    '',
    '## Phases',
    '',
    '| phase | status | duration | note |',
    '|---|---|---|---|',
    ...RUN_PHASES.map((phase) => {
      const state = run.phases[phase];
      const took = seconds(state.startedAt, state.endedAt);
      return `| ${phase} | ${state.status} | ${took === undefined ? '—' : formatDuration(took)} | ${[state.reason, state.fix].filter(Boolean).join(' — ').replace(/\|/g, '\\|')} |`;
    }),
  ];
  const progress = monitor?.progress;
  if (progress && (progress.step !== undefined || Object.keys(progress.metrics).length)) {
    lines.push('', '## Training', '');
    if (progress.step !== undefined) lines.push(`- Step ${progress.step}${progress.totalSteps ? ` of ${progress.totalSteps}` : ''}${progress.epoch !== undefined ? `, epoch ${progress.epoch}${progress.totalEpochs ? ` of ${progress.totalEpochs}` : ''}` : ''}`);
    for (const [name, value] of Object.entries(progress.metrics)) lines.push(`- Last ${name}: ${value}`);
  }
  const cost = monitor?.cost;
  if (cost) {
    lines.push('', '## Cost (estimate)', '', `- Instance: ${formatHourly(cost.instanceHourlyUsd)}`, `- EBS: ${formatHourly(cost.ebsHourlyUsd)}`, `- Total so far: ${cost.soFarUsd === null ? 'unknown' : formatUsd(cost.soFarUsd)} (prices as of ${cost.pricesAsOf})`);
  }
  return lines.join('\n') + '\n';
}
