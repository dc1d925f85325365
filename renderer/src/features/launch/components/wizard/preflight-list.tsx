import type { CheckStatus } from '../../../../../../shared/domain/doctor';
import type { PreflightCheck, PreflightStatus } from '../../../../../../shared/domain/preflight';
import { StatusMark } from '../../../../components/doctor/status-mark';
import { RichText } from '../../../../components/rich-text';

import './preflight-list.css';

// Skipped checks read as "info": they did not fail, they were not run because of one that did.
const MARK: Record<PreflightStatus, CheckStatus> = { pass: 'pass', warn: 'warn', fail: 'fail', skipped: 'info' };

/** Preflight's checks: what was found, and how to fix what did not pass. */
export function PreflightList({ checks }: { checks: PreflightCheck[] }) {
  return (
    <ul className="preflight" aria-label="Preflight checks" data-testid="preflight-list">
      {checks.map((check) => (
        <li key={check.id} className="preflight__row" data-testid={`preflight-${check.id}`} data-status={check.status}>
          <StatusMark status={MARK[check.status]} />
          <div className="preflight__text">
            <span className="preflight__label">
              {check.label}
              {check.status === 'skipped' && <span className="preflight__skipped"> · skipped</span>}
            </span>
            <span className="preflight__value selectable">{check.value}</span>
            {check.fix && (
              <span className="preflight__fix selectable">
                <RichText text={check.fix} />
              </span>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
