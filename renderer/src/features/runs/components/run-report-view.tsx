import type { ReactNode } from 'react';

import type { AppError } from '../../../../../shared/ipc/result';
import { formatRunTotal } from '../../../../../shared/report/format';
import { attemptsWorthListing } from '../../../../../shared/report/run-attempts';
import type { RunReport, SavedRunReport } from '../../../../../shared/report/run-report';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { ErrorCallout } from '../../../components/error-callout';
import { formatDuration } from '../../../format/time';
import {
  ReportAttemptsTable,
  ReportCostTable,
  ReportDataList,
  ReportResourcesTable,
  ReportTimeline,
} from './report-tables';
import { RunStateBadge } from './run-state-badge';
import { Stat } from './run-stats';

import './run-report-view.css';

interface RunReportViewProps {
  report: RunReport;
  /** main's report is still on its way (the page shows its own, without resources, meanwhile). */
  loading: boolean;
  loadError: AppError | undefined;
  saving: boolean;
  saved: Pick<SavedRunReport, 'files' | 'pdf'> | undefined;
  saveError: AppError | undefined;
  onSave: () => void;
  onCopyMarkdown: () => void;
  /** A run picked in History while another is live: said in the title, and it can be closed. */
  fromHistory?: { onClose: () => void } | undefined;
}

/** A finished run's report: outcome, timeline, data, resources, itemized cost; save it or copy it. */
export function RunReportView({
  report,
  loading,
  loadError,
  saving,
  saved,
  saveError,
  onSave,
  onCopyMarkdown,
  fromHistory,
}: RunReportViewProps) {
  const resources = report.resources;
  return (
    <Card
      title={fromHistory ? `Run report · ${report.name}` : 'Run report'}
      subtitle={
        fromHistory
          ? 'Picked in History; the live run stays above'
          : `${report.name} · timeline, data, resources and cost`
      }
      testId={fromHistory ? 'history-run-report' : 'run-report'}
      actions={
        <>
          {fromHistory && (
            <Button size="sm" onClick={fromHistory.onClose} data-testid="close-history-report">
              Close
            </Button>
          )}
          <Button size="sm" onClick={onCopyMarkdown} data-testid="copy-report">
            Copy Markdown
          </Button>
          <Button size="sm" variant="primary" onClick={onSave} loading={saving} data-testid="save-report">
            Save report
          </Button>
        </>
      }
    >
      <div className="run-report">
        {saveError && <ErrorCallout error={saveError} title="The report was not saved" />}
        {saved && <SavedFiles saved={saved} />}
        {loadError && <ErrorCallout error={loadError} title="Resources could not be read from the run's journal" />}
        {/* The run's reason is not repeated here: the monitor above says it, under the same outcome. */}
        <dl className="run-report__summary" data-testid="report-summary">
          <Stat
            label="Outcome"
            value={
              <>
                <RunStateBadge state={report.outcome} />
                {report.exitCode !== undefined && report.exitCode !== null && (
                  <span className="run-report__exit"> exit code {report.exitCode}</span>
                )}
              </>
            }
          />
          <Stat
            label="Duration"
            value={report.durationSeconds === undefined ? '—' : formatDuration(report.durationSeconds)}
          />
          <Stat label="Cost" value={formatRunTotal(report.backend, report.cost)} />
          <Stat
            label="Resources"
            value={
              resources
                ? resources.verified
                  ? resources.rows.length
                    ? 'All gone, verified'
                    : 'None created'
                  : 'Not all confirmed gone'
                : loading
                  ? 'Reading the journal…'
                  : '—'
            }
          />
        </dl>
        <Section title="Timeline">
          <ReportTimeline phases={report.phases} />
        </Section>
        {report.attempts && attemptsWorthListing(report.attempts) && (
          <Section title="Attempts">
            <ReportAttemptsTable attempts={report.attempts} generatedAt={report.generatedAt} />
          </Section>
        )}
        <Section title="Data">
          <ReportDataList data={report.data} />
        </Section>
        <Section title="Resources">
          {resources ? (
            <ReportResourcesTable resources={resources} />
          ) : (
            <p className="run-report__note">{loading ? 'Reading the run’s journal…' : 'Not available.'}</p>
          )}
        </Section>
        <Section title="Cost">
          {report.cost ? (
            <ReportCostTable cost={report.cost} />
          ) : (
            <p className="run-report__note">
              No cost was recorded for this run (it predates cost reports, or ended without one).
            </p>
          )}
        </Section>
      </div>
    </Card>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="run-report__section" aria-label={title}>
      <h3 className="run-report__heading">{title}</h3>
      {children}
    </section>
  );
}

function SavedFiles({ saved }: { saved: Pick<SavedRunReport, 'files' | 'pdf'> }) {
  const pdf =
    saved.files.pdf ??
    (saved.pdf.status === 'desktop-only' ? 'desktop app only' : `not saved: ${saved.pdf.reason ?? 'printing failed'}`);
  return (
    <div className="run-report__saved" role="status" data-testid="report-saved">
      <strong>Report saved</strong>
      <dl>
        <dt>Markdown</dt>
        <dd>
          <code>{saved.files.markdown}</code>
        </dd>
        <dt>HTML</dt>
        <dd>
          <code>{saved.files.html}</code>
        </dd>
        <dt>PDF</dt>
        <dd>{saved.files.pdf ? <code>{pdf}</code> : pdf}</dd>
      </dl>
    </div>
  );
}
