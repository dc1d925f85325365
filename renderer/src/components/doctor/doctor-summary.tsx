import type { CheckStatus, DoctorCheck } from '../../../../shared/domain/doctor';

import './doctor-summary.css';

const ORDER: CheckStatus[] = ['fail', 'warn', 'pass', 'info'];
const WORDS: Record<CheckStatus, [string, string]> = {
  pass: ['passed', 'passed'],
  warn: ['warning', 'warnings'],
  fail: ['failed', 'failed'],
  info: ['info', 'info'],
};

/** "1 failed · 2 warnings · 4 passed": counts per status, problems first. */
export function DoctorSummary({ checks }: { checks: DoctorCheck[] }) {
  const counts = ORDER.map(
    (status) => [status, checks.filter((check) => check.status === status).length] as const,
  ).filter(([, n]) => n > 0);
  return (
    <span className="doctor-summary" data-testid="doctor-summary">
      {counts.map(([status, n]) => (
        <span key={status} className={`doctor-summary__item doctor-summary__item--${status}`}>
          <span className="doctor-summary__dot" aria-hidden="true" />
          {n} {WORDS[status][n === 1 ? 0 : 1]}
        </span>
      ))}
    </span>
  );
}
