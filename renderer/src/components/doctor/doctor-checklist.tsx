import type { DoctorCheck } from '../../../../shared/domain/doctor';
import { RichText } from '../rich-text';
import { StatusMark } from './status-mark';

import './doctor-checklist.css';

/** The doctor report as a checklist: mark, what was checked, what was found, how to fix it. */
export function DoctorChecklist({ checks }: { checks: DoctorCheck[] }) {
  return (
    <ul className="checklist" aria-label="Environment checks">
      {checks.map((check) => (
        <li key={check.id} className="check" data-testid={`doctor-check-${check.id}`} data-status={check.status}>
          <StatusMark status={check.status} />
          <span className="check__label">{check.label}</span>
          <div className="check__detail">
            <p className="check__value selectable">
              <RichText text={check.value} />
            </p>
            {check.fix && (
              <p className={`check__fix check__fix--${check.status}`}>
                <span className="check__fix-label">
                  {check.status === 'warn' || check.status === 'fail' ? 'Fix' : 'Tip'}
                </span>
                <span className="selectable">
                  <RichText text={check.fix} />
                </span>
              </p>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Placeholder rows while the first report loads, the same height as real rows (no jump). */
export function DoctorChecklistSkeleton({ rows = 7 }: { rows?: number }) {
  return (
    <ul className="checklist" aria-hidden="true">
      {Array.from({ length: rows }, (_, index) => (
        <li key={index} className="check check--skeleton">
          <span className="skeleton skeleton--dot" />
          <span className="skeleton skeleton--label" />
          <span className="skeleton skeleton--value" />
        </li>
      ))}
    </ul>
  );
}
