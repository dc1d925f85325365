import type { RegionPrices } from '../../../../../../shared/domain/account';
import type { PreflightReport } from '../../../../../../shared/domain/preflight';
import type { RunConfig } from '../../../../../../shared/run-config/schema';
import { Button } from '../../../../components/button';
import { ErrorCallout } from '../../../../components/error-callout';
import { RefreshIcon } from '../../../../components/icons/ui-icons';
import { Spinner } from '../../../../components/spinner';
import type { Loaded } from '../../stores/wizard-aws';
import type { CheckHome } from '../../wizard/preflight-homes';
import { CostEstimate } from './cost-estimate';
import { PreflightList } from './preflight-list';
import { ReviewActions, type ReviewActionsProps } from './review-actions';
import { StopRules } from './stop-rules';
import { WillCreate } from './will-create';

import './review-step.css';

interface ReviewStepProps extends Omit<ReviewActionsProps, 'config'> {
  config: RunConfig | undefined;
  /** The region's prices for the estimate (loading or failed: the bundled table, said so). */
  prices?: Loaded<RegionPrices> | undefined;
  preflight: Loaded<PreflightReport> | undefined;
  onRerun: () => void;
  /** Goes to the step and field that fix a finding. */
  onFix: (home: CheckHome) => void;
}

/** Step 6: preflight (live, failures first), what will be created, the cost, and the actions; Launch is in the sticky footer. */
export function ReviewStep({ config, preflight, prices, onRerun, onFix, ...actions }: ReviewStepProps) {
  if (!config) {
    return (
      <ErrorCallout
        error={{
          code: 'INVALID_REQUEST',
          message: 'The run config is not complete yet.',
          fix: 'Go back to the steps marked with an error.',
        }}
      />
    );
  }
  const report = preflight?.value;
  return (
    <div className="wizard-step-body review">
      <section
        className="review__section"
        aria-labelledby="preflight-title"
        data-testid="preflight"
        data-state={preflight?.loading ? 'running' : report ? (report.ok ? 'pass' : 'fail') : 'idle'}
      >
        <header className="review__head">
          <h3 id="preflight-title" className="wizard-subsection__title">
            Preflight {preflight?.loading && <Spinner size={13} />}
          </h3>
          <span className="review__summary">{summary(preflight)}</span>
          <Button size="sm" icon={<RefreshIcon size={13} />} onClick={onRerun} disabled={preflight?.loading}>
            Run again
          </Button>
        </header>
        {preflight?.error && <ErrorCallout error={preflight.error} title="Preflight could not run" />}
        {report ? (
          <PreflightList checks={report.checks} onFix={onFix} />
        ) : (
          <p className="review__pending">
            {config.sshHost
              ? 'Checking credentials, bucket and your machine'
              : 'Checking credentials, bucket, instance type, quota and AMI'}
            … nothing is created.
          </p>
        )}
      </section>
      <section className="review__section" aria-labelledby="create-title">
        <h3 id="create-title" className="wizard-subsection__title">
          {config.sshHost ? 'Launch will use' : 'Launch will create'}
        </h3>
        <WillCreate config={config} />
      </section>
      <section className="review__section" aria-labelledby="cost-title">
        <h3 id="cost-title" className="wizard-subsection__title">
          Cost
        </h3>
        <CostEstimate config={config} prices={prices?.value} pricesError={prices?.error?.message} />
      </section>
      <section className="review__section" aria-labelledby="stops-title">
        <h3 id="stops-title" className="wizard-subsection__title">
          Stops early
        </h3>
        <StopRules config={config} />
      </section>
      <ReviewActions config={config} {...actions} />
    </div>
  );
}

function summary(preflight: Loaded<PreflightReport> | undefined): string {
  const report = preflight?.value;
  if (!report) return preflight?.loading ? 'running…' : '';
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  if (failed) return `${failed} failed — Launch stays disabled until every check passes`;
  return warned ? `passed with ${warned} warning${warned === 1 ? '' : 's'}` : 'every check passed';
}
