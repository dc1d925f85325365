import { attemptLine, formatAttempts } from '../domain/capacity-failover';
import type { CostItem } from '../domain/run-cost';
import { formatDuration, formatRunTotal, formatUsd, formatUtc } from './format';
import { REPORT_CSS } from './report-style';
import { ATTEMPT_COLUMNS, attemptCells, attemptsLead, dataLines, FATE_LABELS, outcomeText } from './report-text';
import { attemptsWorthListing } from './run-attempts';
import type { RunReport } from './run-report';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

// Markup built by the `html` tag (already escaped); anything else interpolated is text.
class SafeHtml {
  constructor(readonly html: string) {}
}

// Every interpolation goes through this tag: a value can only ever be text, never markup.
function html(strings: TemplateStringsArray, ...values: Array<string | number | SafeHtml | SafeHtml[]>): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    const part = Array.isArray(value)
      ? value.map((v) => v.html).join('')
      : value instanceof SafeHtml
        ? value.html
        : escapeHtml(String(value));
    out += part + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

// No script may run, nothing may load: the report is read and printed, nothing else.
const CSP = new SafeHtml(
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'",
);

/**
 * A run's report as one self-contained HTML page: inline CSS, no scripts, no external
 * resources (its own CSP forbids them), every value HTML-escaped, laid out for A4 printing.
 */
export function reportHtml(report: RunReport): string {
  const duration = report.durationSeconds === undefined ? '—' : formatDuration(report.durationSeconds);
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content="${CSP}" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Run ${report.name} — TrainDeck report</title>
        <style>
          ${new SafeHtml(REPORT_CSS)}
        </style>
      </head>
      <body>
        <h1>Run ${report.name}</h1>
        <p class="meta">
          <code>${report.runId}</code> on ${report.backend}${report.host ? html` (${report.host})` : ''} · started
          ${formatUtc(report.startedAt)}${report.endedAt ? html` · ended ${formatUtc(report.endedAt)}` : ''}
        </p>
        <dl class="summary">
          <div>
            <dt>Outcome</dt>
            <dd
              class="status-${report.outcome === 'succeeded' ? 'succeeded' : report.outcome === 'failed' ? 'failed' : 'skipped'}"
            >
              ${outcomeText(report.outcome, report.exitCode)}
            </dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>${duration}</dd>
          </div>
          <div>
            <dt>Cost</dt>
            <dd>${formatRunTotal(report.backend, report.cost)}</dd>
          </div>
          <div>
            <dt>Resources</dt>
            <dd>
              ${report.resources ? (report.resources.verified ? 'all gone, verified' : 'NOT all confirmed gone') : '—'}
            </dd>
          </div>
        </dl>
        ${report.reason ? html`<p class="reason">${report.reason}</p>` : ''}
        <h2>Timeline</h2>
        <table>
          <thead>
            <tr>
              <th>Phase</th>
              <th>Status</th>
              <th>Started</th>
              <th class="num">Duration</th>
              <th>Note</th>
            </tr>
          </thead>
          <tbody>
            ${report.phases.map(
              (p) =>
                html`<tr>
                  <td>${p.phase}</td>
                  <td class="status-${p.status}">${p.status}</td>
                  <td>${p.startedAt ? formatUtc(p.startedAt) : '—'}</td>
                  <td class="num">${p.durationSeconds === undefined ? '—' : formatDuration(p.durationSeconds)}</td>
                  <td>${[p.reason, p.fix].filter(Boolean).join(' — ')}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${attemptsSection(report)}
        <h2>Data</h2>
        <dl class="data">
          ${dataLines(report.data).map(
            ([label, value]) =>
              html`<dt>${label}</dt>
                <dd>${value}</dd>`,
          )}
        </dl>
        ${trainingSection(report)}${resourcesSection(report)}${costSection(report)}
        <footer>Report generated ${formatUtc(report.generatedAt)} by TrainDeck.</footer>
      </body>
    </html> `;
  return page.html;
}

// Each launch of the instance, when there is more than one or one did not simply finish.
function attemptsSection(report: RunReport): SafeHtml | string {
  const attempts = report.attempts;
  if (!attempts || !attemptsWorthListing(attempts)) return '';
  const now = Date.parse(report.generatedAt);
  const numeric = (column: string) => column === 'Cost' || column === 'Duration';
  return html`<h2>Attempts</h2>
    <p>${attemptsLead(attempts)}</p>
    <table class="attempts">
      <thead>
        <tr>
          ${ATTEMPT_COLUMNS.map((c) => html`<th class="${numeric(c) ? 'num' : ''}">${c}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${attempts.map(
          (a) =>
            html`<tr>
              ${attemptCells(a, now).map((cell, i) =>
                i === 1
                  ? html`<td><code>${cell}</code></td>`
                  : i === 7
                    ? html`<td class="${a.end === 'finished' ? 'ok' : a.end ? 'bad' : 'note'}">${cell}</td>`
                    : html`<td class="${numeric(ATTEMPT_COLUMNS[i]!) ? 'num' : ''}">${cell}</td>`,
              )}
            </tr>`,
        )}
      </tbody>
    </table> `;
}

function trainingSection(report: RunReport): SafeHtml | string {
  const t = report.training;
  if (!t) return '';
  const step =
    t.step === undefined
      ? []
      : [
          html`<dt>Step</dt>
            <dd>${t.step}${t.totalSteps ? ` of ${t.totalSteps}` : ''}</dd>`,
        ];
  const epoch =
    t.epoch === undefined
      ? []
      : [
          html`<dt>Epoch</dt>
            <dd>${t.epoch}${t.totalEpochs ? ` of ${t.totalEpochs}` : ''}</dd>`,
        ];
  return html`<h2>Training</h2>
    <dl class="data">
      ${[
        ...step,
        ...epoch,
        ...Object.entries(t.metrics).map(
          ([name, value]) =>
            html`<dt>Last ${name}</dt>
              <dd>${value}</dd>`,
        ),
      ]}
    </dl> `;
}

function resourcesSection(report: RunReport): SafeHtml | string {
  const r = report.resources;
  if (!r) return '';
  const rows = r.rows.map(
    (x) =>
      html`<tr>
        <td>${x.kind}</td>
        <td><code>${x.id}</code></td>
        <td>${x.region}</td>
        <td>${x.createdAt ? formatUtc(x.createdAt) : '—'}</td>
        <td>${x.deletedAt ? formatUtc(x.deletedAt) : '—'}</td>
        <td class="${x.fate === 'survivor' || x.fate === 'unconfirmed' ? 'bad' : x.fate === 'kept' ? 'note' : 'ok'}">
          ${FATE_LABELS[x.fate]}${x.reason ? `: ${x.reason}` : ''}
        </td>
      </tr>`,
  );
  const attempts = r.attempts ?? [];
  return html`<h2>Resources</h2>
    <p class="${r.verified ? 'ok' : 'bad'}">${r.summary}</p>
    ${
      attempts.length
        ? html`<p>Launch attempts: ${formatAttempts(attempts)}</p>
            <ol class="attempts">
              ${attempts.map((a) => html`<li>${attemptLine(a)}</li>`)}
            </ol>`
        : ''
    }
    ${
      rows.length
        ? html`<table>
            <thead>
              <tr>
                <th>Kind</th>
                <th>Id</th>
                <th>Region</th>
                <th>Created</th>
                <th>Deleted</th>
                <th>Verified</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`
        : ''
    } `;
}

function costSection(report: RunReport): SafeHtml {
  const cost = report.cost;
  if (!cost) {
    return html`<h2>Cost</h2>
      <p class="note">
        ${report.outcome === 'running' ? 'Computed when the run ends.' : 'Not recorded for this run.'}
      </p> `;
  }
  const item = (i: CostItem) =>
    html`<tr>
      <td>${i.label}</td>
      <td>${i.quantity}</td>
      <td class="num">${formatUsd(i.usd)}</td>
      <td class="note">${i.note ?? ''}</td>
    </tr>`;
  return html`<h2>Cost</h2>
    <table>
      <thead>
        <tr>
          <th>Item</th>
          <th>Quantity</th>
          <th class="num">Amount</th>
          <th>Note</th>
        </tr>
      </thead>
      <tbody>
        ${cost.items.map(item)}
      </tbody>
      <tfoot>
        <tr>
          <td>Total</td>
          <td></td>
          <td class="num">${formatRunTotal(report.backend, cost)}</td>
          <td class="note">${cost.upperBound ? 'upper bound (spot)' : ''}</td>
        </tr>
      </tfoot>
    </table>
    <p class="note">
      Estimate at the bundled price table of ${cost.pricesAsOf}.${cost.notes.length ? ` ${cost.notes.join(' ')}` : ''}
    </p> `;
}
