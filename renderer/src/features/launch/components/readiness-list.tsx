import type { DoctorCheck } from '../../../../../shared/domain/doctor';
import { StatusMark } from '../../../components/doctor/status-mark';

import './readiness-list.css';

/** A short list of doctor checks (the AWS ones) shown where the user is about to launch. */
export function ReadinessList({ checks }: { checks: DoctorCheck[] }) {
  return (
    <ul className="readiness" aria-label="AWS readiness">
      {checks.map((check) => (
        <li key={check.id} className="readiness__row" data-testid={`readiness-${check.id}`}>
          <StatusMark status={check.status} />
          <div className="readiness__text">
            <span className="readiness__label">{check.label}</span>
            <span className="readiness__value" title={check.value}>
              {check.value}
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}
