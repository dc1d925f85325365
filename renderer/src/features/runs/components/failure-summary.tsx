import type { AppError } from '../../../../../shared/ipc/result';
import type { FailureSummary as Summary } from '../../../../../shared/report/failure-summary';
import { Button } from '../../../components/button';
import { ErrorCallout } from '../../../components/error-callout';
import { AlertIcon, RefreshIcon } from '../../../components/icons/ui-icons';
import { RichText } from '../../../components/rich-text';
import { PHASE_LABELS } from './phase-timeline';

import './failure-summary.css';

/**
 * The one place a failed run says why: the first failure (said once, however many events
 * repeated it), any other distinct one, the likely causes for its backend, and Retry.
 */
export function FailureSummary({
  summary,
  retrying,
  retryError,
  onRetry,
}: {
  summary: Summary;
  retrying: boolean;
  retryError: AppError | undefined;
  onRetry: () => void;
}) {
  return (
    <section className="failure-summary" aria-labelledby="failure-title" data-testid="failure-summary">
      <div className="failure-summary__head">
        <h3 id="failure-title" className="failure-summary__title">
          <AlertIcon size={16} /> {summary.phase ? `${PHASE_LABELS[summary.phase]} failed` : 'Run failed'}
        </h3>
        <Button
          variant="primary"
          size="sm"
          icon={<RefreshIcon size={14} />}
          loading={retrying}
          onClick={onRetry}
          data-testid="run-retry"
        >
          Retry with the same settings
        </Button>
      </div>
      <p className="failure-summary__reason" data-testid="failure-reason">
        <RichText text={summary.reason} />
      </p>
      {summary.fix && (
        <p className="failure-summary__fix">
          <RichText text={summary.fix} />
        </p>
      )}
      {summary.also.map((item) => (
        <p key={item.reason} className="failure-summary__also">
          {item.phase ? <strong>{PHASE_LABELS[item.phase]} also failed: </strong> : null}
          <RichText text={item.reason} />
          {item.fix && (
            <>
              {' '}
              <RichText text={item.fix} />
            </>
          )}
        </p>
      ))}
      {summary.causes.length > 0 && (
        <div className="failure-summary__causes">
          <h4 className="failure-summary__subtitle">Likely causes</h4>
          <ul data-testid="failure-causes">
            {summary.causes.map((cause) => (
              <li key={cause.text}>
                <RichText text={cause.text} />
                {cause.link && (
                  <>
                    {' '}
                    <a href={cause.link.href} target="_blank" rel="noreferrer">
                      {cause.link.label}
                    </a>
                  </>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {retryError && <ErrorCallout error={retryError} title="Retry did not start" />}
    </section>
  );
}
