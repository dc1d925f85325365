import { attemptLine, formatAttempts } from '../domain/capacity-failover';
import { formatDuration, formatRunTotal, formatUsd, formatUtc, isOwnMachine } from './format';
import { ATTEMPT_COLUMNS, attemptCells, attemptsLead, dataLines, FATE_LABELS } from './report-text';
import { attemptsWorthListing } from './run-attempts';
import type { RunReport } from './run-report';

// Backslash-escapes what Markdown (or the HTML a viewer lets through) would read as markup;
// a line break would end a table row.
const md = (text: string) => text.replace(/[\\`*[\]<>|]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ');
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

/** A run's report as Markdown (for a ticket, a notebook or a commit message). */
export function reportMarkdown(report: RunReport): string {
  const lines = [
    `# Run ${md(report.name)}`,
    '',
    `- Outcome: **${report.outcome}**${report.exitCode !== undefined && report.exitCode !== null ? ` (exit code ${report.exitCode})` : ''}`,
    `- Run id: \`${report.runId}\` on ${report.backend}${report.host ? ` (${md(report.host)})` : ''}`,
    `- Started: ${formatUtc(report.startedAt)}${report.endedAt ? `, ended ${formatUtc(report.endedAt)}` : ''}${report.durationSeconds === undefined ? '' : ` (${formatDuration(report.durationSeconds)})`}`,
    ...(report.reason ? [`- Reason: ${md(report.reason)}`] : []),
    ...(report.cost || isOwnMachine(report.backend) ? [`- Cost: ${formatRunTotal(report.backend, report.cost)}`] : []),
    '',
    '## Phases',
    '',
    row(['phase', 'status', 'duration', 'note']),
    row(['---', '---', '---', '---']),
    ...report.phases.map((p) =>
      row([
        p.phase,
        p.status,
        p.durationSeconds === undefined ? '—' : formatDuration(p.durationSeconds),
        md([p.reason, p.fix].filter(Boolean).join(' — ')),
      ]),
    ),
    ...attemptsMarkdown(report),
    '',
    '## Data',
    '',
    ...dataLines(report.data).map(([label, value]) => `- ${label}: ${md(value)}`),
  ];
  const training = report.training;
  if (training) {
    lines.push('', '## Training', '');
    if (training.step !== undefined) {
      lines.push(
        `- Step ${training.step}${training.totalSteps ? ` of ${training.totalSteps}` : ''}${training.epoch !== undefined ? `, epoch ${training.epoch}${training.totalEpochs ? ` of ${training.totalEpochs}` : ''}` : ''}`,
      );
    }
    for (const [name, value] of Object.entries(training.metrics)) lines.push(`- Last ${md(name)}: ${value}`);
  }
  if (report.resources) {
    lines.push('', '## Resources', '', md(report.resources.summary));
    const attempts = report.resources.attempts ?? [];
    if (attempts.length) {
      lines.push('', `Launch attempts (${md(formatAttempts(attempts))}):`, '');
      for (const attempt of attempts) lines.push(`${attempt.n}. ${md(attemptLine(attempt))}`);
    }
    if (report.resources.rows.length) {
      lines.push(
        '',
        row(['kind', 'id', 'region', 'created', 'deleted', 'verified']),
        row(['---', '---', '---', '---', '---', '---']),
      );
      for (const r of report.resources.rows) {
        lines.push(
          row([
            r.kind,
            `\`${md(r.id)}\``,
            r.region,
            r.createdAt ? formatUtc(r.createdAt) : '—',
            r.deletedAt ? formatUtc(r.deletedAt) : '—',
            md(r.fate === 'survivor' && r.reason ? `${FATE_LABELS[r.fate]}: ${r.reason}` : FATE_LABELS[r.fate]),
          ]),
        );
      }
    }
  }
  lines.push('', '## Cost', '');
  const cost = report.cost;
  if (!cost) lines.push(report.outcome === 'running' ? 'Computed when the run ends.' : 'Not recorded for this run.');
  else {
    lines.push(row(['item', 'quantity', 'amount', 'note']), row(['---', '---', '---:', '---']));
    for (const item of cost.items) {
      lines.push(row([md(item.label), md(item.quantity), formatUsd(item.usd), md(item.note ?? '')]));
    }
    lines.push(
      row([
        '**Total**',
        '',
        `**${formatRunTotal(report.backend, cost)}**`,
        cost.upperBound ? 'upper bound (spot)' : '',
      ]),
    );
    lines.push(
      '',
      `Estimate at the bundled price table of ${cost.pricesAsOf}.${cost.notes.length ? ' ' + cost.notes.map(md).join(' ') : ''}`,
    );
  }
  lines.push('', `_Report generated ${formatUtc(report.generatedAt)} by TrainDeck._`);
  return lines.join('\n') + '\n';
}

// Each launch of the instance, when there is more than one or one did not simply finish.
function attemptsMarkdown(report: RunReport): string[] {
  const attempts = report.attempts;
  if (!attempts || !attemptsWorthListing(attempts)) return [];
  const now = Date.parse(report.generatedAt);
  return [
    '',
    '## Attempts',
    '',
    md(attemptsLead(attempts)),
    '',
    row([...ATTEMPT_COLUMNS]),
    row(ATTEMPT_COLUMNS.map((c) => (c === 'Cost' ? '---:' : '---'))),
    ...attempts.map((a) =>
      row(attemptCells(a, now).map((cell, i) => (i === 1 && cell !== '—' ? `\`${md(cell)}\`` : md(cell)))),
    ),
  ];
}
