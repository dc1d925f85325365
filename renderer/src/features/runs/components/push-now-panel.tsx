import type { PushNowReport } from '../../../../../shared/executor/protocol';
import { Button } from '../../../components/button';
import { ErrorCallout } from '../../../components/error-callout';
import { formatAgo } from '../../../format/time';
import type { PushNowState } from '../stores/push-now';

import './push-now-panel.css';

interface PushNowPanelProps {
  state: PushNowState | undefined;
  now: number;
  onPush: () => void;
}

/** What a push during training did, in one sentence. */
export function pushNowSummary(report: PushNowReport): string {
  const up = `${report.uploaded} file${report.uploaded === 1 ? '' : 's'} pushed`;
  const skipped = report.skipped.length
    ? `; ${report.skipped.length} still being written (${report.skipped
        .slice(0, 2)
        .map((s) => s.relPath)
        .join(', ')}${report.skipped.length > 2 ? ', …' : ''}) will go on the next push`
    : '';
  const failed = report.failures.length ? `; ${report.failures.length} failed` : '';
  return `${up}${skipped}${failed}.`;
}

/**
 * "Push checkpoints now" while the training runs, and the age of the newest checkpoint in S3.
 * The training is not touched: the push runs beside it and skips files still being written.
 */
export function PushNowPanel({ state, now, onPush }: PushNowPanelProps) {
  const newest =
    state?.newestAt === undefined
      ? 'Newest checkpoint in S3: not checked yet'
      : state.newestAt === null
        ? 'No checkpoint in S3 yet'
        : `Newest checkpoint in S3: ${formatAgo(state.newestAt, now)}`;
  return (
    <div className="push-now" data-testid="push-now">
      <div className="push-now__row">
        <Button size="sm" onClick={onPush} loading={state?.busy === true} data-testid="push-now-button">
          {state?.busy ? 'Pushing…' : 'Push checkpoints now'}
        </Button>
        <span className="push-now__age" data-testid="push-now-age" data-newest-at={state?.newestAt ?? undefined}>
          {newest}
        </span>
      </div>
      {state?.report && (
        <p className="push-now__result" role="status" data-testid="push-now-result">
          {pushNowSummary(state.report)}
        </p>
      )}
      {state?.error && <ErrorCallout error={state.error} title="The push did not run" />}
    </div>
  );
}
