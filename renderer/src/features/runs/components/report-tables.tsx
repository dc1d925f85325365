import { attemptLine, formatAttempts } from '../../../../../shared/domain/capacity-failover';
import type { RunCost } from '../../../../../shared/domain/run-cost';
import { formatCostTotal, formatUsd } from '../../../../../shared/report/format';
import type { ReportData } from '../../../../../shared/report/report-data';
import type { ReportResources, ResourceFate } from '../../../../../shared/report/report-resources';
import { attemptCells, attemptsLead, dataLines } from '../../../../../shared/report/report-text';
import type { RunAttempt } from '../../../../../shared/report/run-attempts';
import type { ReportPhase } from '../../../../../shared/report/run-report';
import { Badge, type BadgeTone } from '../../../components/badge';
import { KIND_LABELS } from '../../../format/resources';
import { formatClock, formatDateTime, formatDuration } from '../../../format/time';
import { PHASE_LABELS } from './phase-timeline';

/** The phases as a proportional bar (what took the time) and a table (exact times, failures). */
export function ReportTimeline({ phases }: { phases: ReportPhase[] }) {
  const ran = phases.filter((p) => p.durationSeconds !== undefined);
  const total = ran.reduce((sum, p) => sum + p.durationSeconds!, 0);
  return (
    <>
      {total > 0 && (
        <div className="run-report__bar" aria-hidden="true">
          {ran.map((p) => (
            // Short phases keep a sliver so every phase that ran stays visible next to hours of training.
            <span
              key={p.phase}
              className={`run-report__segment run-report__segment--${p.status}`}
              style={{ flexGrow: Math.max(p.durationSeconds! / total, 0.025) }}
              title={`${PHASE_LABELS[p.phase]}: ${formatDuration(p.durationSeconds!)}`}
            />
          ))}
        </div>
      )}
      <table className="run-report__table table-head" data-testid="report-timeline">
        <caption className="visually-hidden">Phases of the run</caption>
        <thead>
          <tr>
            <th scope="col">Phase</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {phases.map((p) => (
            <tr key={p.phase} data-status={p.status}>
              <th scope="row">{PHASE_LABELS[p.phase]}</th>
              <td className={`run-report__status run-report__status--${p.status}`}>{p.status}</td>
              <td className="tabular nowrap">{p.startedAt ? formatClock(p.startedAt) : '—'}</td>
              <td className="num tabular nowrap">
                {p.durationSeconds === undefined ? '—' : formatDuration(p.durationSeconds)}
              </td>
              <td className="run-report__note">{[p.reason, p.fix].filter(Boolean).join(' — ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/**
 * Each launch of the run's instance: where, how long, why it ended, what it cost ("unknown", never
 * $0). The saved report's columns, folded to fit the smallest window: the type under the instance,
 * the market beside the zone, the start as a clock time like the timeline above.
 */
export function ReportAttemptsTable({ attempts, generatedAt }: { attempts: RunAttempt[]; generatedAt: string }) {
  const now = Date.parse(generatedAt);
  return (
    <>
      <p className="run-report__lead">{attemptsLead(attempts)}</p>
      <table className="run-report__table table-head" data-testid="report-run-attempts">
        <caption className="visually-hidden">Attempts of the run</caption>
        <thead>
          <tr>
            <th scope="col">Attempt</th>
            <th scope="col">Instance</th>
            <th scope="col">Zone · market</th>
            <th scope="col">Started</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col">Ended by</th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => {
            const [attempt, instance, type, zone, market, , duration, end, cost] = attemptCells(a, now);
            return (
              <tr key={a.attempt} data-end={a.end ?? 'running'}>
                <th scope="row">{attempt}</th>
                <td>
                  <code className="run-report__id">{instance}</code>
                  <div className="run-report__note">{type}</div>
                </td>
                <td>
                  {zone} · {market}
                </td>
                <td className="tabular nowrap">{formatClock(a.startedAt)}</td>
                <td className="num tabular nowrap">{duration}</td>
                <td>{end}</td>
                <td className="num tabular nowrap">{cost}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** Data pulled and pushed, and what was verified. */
export function ReportDataList({ data }: { data: ReportData }) {
  return (
    <dl className="run-report__data" data-testid="report-data">
      {dataLines(data).map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd className="tabular">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

const FATES: Record<ResourceFate, { label: string; tone: BadgeTone }> = {
  'deleted-verified': { label: 'Deleted · verified', tone: 'success' },
  'gone-verified': { label: 'Gone · verified', tone: 'success' },
  deleted: { label: 'Deleted · not verified', tone: 'warn' },
  kept: { label: 'Kept · shared, free', tone: 'neutral' },
  survivor: { label: 'Still exists', tone: 'danger' },
  unconfirmed: { label: 'Not confirmed deleted', tone: 'danger' },
};

/** Every resource the run created, and whether its deletion was verified. */
export function ReportResourcesTable({ resources }: { resources: ReportResources }) {
  return (
    <>
      <p className={resources.verified ? 'run-report__lead' : 'run-report__lead run-report__lead--bad'}>
        {resources.summary}
      </p>
      {resources.attempts && resources.attempts.length > 0 && (
        <div data-testid="report-attempts">
          <p>Launch attempts: {formatAttempts(resources.attempts)}</p>
          <ol className="run-report__attempts">
            {resources.attempts.map((a) => (
              <li key={a.n}>{attemptLine(a)}</li>
            ))}
          </ol>
        </div>
      )}
      {resources.rows.length > 0 && (
        <table className="run-report__table table-head" data-testid="report-resources">
          <caption className="visually-hidden">Resources of the run</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Id</th>
              <th scope="col">Region</th>
              <th scope="col">Created</th>
              <th scope="col">Deleted</th>
              <th scope="col">Verified</th>
            </tr>
          </thead>
          <tbody>
            {resources.rows.map((r) => (
              <tr key={`${r.kind}:${r.id}`}>
                <td>{r.kind === 'instance-profile' ? 'Instance profile' : KIND_LABELS[r.kind]}</td>
                <td>
                  <code className="run-report__id">{r.id}</code>
                </td>
                <td className="nowrap">{r.region}</td>
                <td className="tabular nowrap">{r.createdAt ? formatDateTime(r.createdAt) : '—'}</td>
                <td className="tabular nowrap">{r.deletedAt ? formatDateTime(r.deletedAt) : '—'}</td>
                <td>
                  <Badge tone={FATES[r.fate].tone} title={r.reason}>
                    {FATES[r.fate].label}
                  </Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** The itemized cost: each line with how it was reached, and the total. */
export function ReportCostTable({ cost }: { cost: RunCost }) {
  return (
    <>
      <table className="run-report__table run-report__table--cost table-head" data-testid="report-cost">
        <caption className="visually-hidden">Itemized cost</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Quantity</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {cost.items.map((item) => (
            <tr key={item.kind}>
              <th scope="row">{item.label}</th>
              <td className="tabular">{item.quantity}</td>
              <td className="num tabular">{formatUsd(item.usd)}</td>
              <td className="run-report__note">{item.note}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td />
            <td className="num tabular" data-testid="report-cost-total">
              {formatCostTotal(cost)}
            </td>
            <td className="run-report__note">{cost.upperBound ? 'Upper bound: spot bills at most this.' : ''}</td>
          </tr>
        </tfoot>
      </table>
      <p className="run-report__note">
        Estimate at the bundled price table of {cost.pricesAsOf}. {cost.notes.join(' ')}
      </p>
    </>
  );
}
