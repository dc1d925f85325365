import type { CheckStatus } from '../../../../../../shared/domain/doctor';
import type { PreflightCheck, PreflightStatus } from '../../../../../../shared/domain/preflight';
import { Button } from '../../../../components/button';
import { StatusMark } from '../../../../components/doctor/status-mark';
import { RichText } from '../../../../components/rich-text';
import { type CheckHome, checkHome, guiFix, homeLabel } from '../../wizard/preflight-homes';

import './preflight-list.css';

// Skipped checks read as "info": they did not fail, they were not run because of one that did.
const MARK: Record<PreflightStatus, CheckStatus> = { pass: 'pass', warn: 'warn', fail: 'fail', skipped: 'info' };
// Failures first, then what needs a look, then what could not run; passed checks last (collapsed).
const ORDER: Record<PreflightStatus, number> = { fail: 0, warn: 1, skipped: 2, pass: 3 };

/**
 * Preflight's checks, failures first, each with its fix in the wizard's words and a button to the
 * field that fixes it; passed checks collapsed under one line.
 */
export function PreflightList({ checks, onFix }: { checks: PreflightCheck[]; onFix: (home: CheckHome) => void }) {
  const sorted = [...checks].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const open = sorted.filter((c) => c.status !== 'pass');
  const passed = sorted.filter((c) => c.status === 'pass');
  return (
    <div className="preflight-groups">
      {open.length > 0 && (
        <ul className="preflight" aria-label="Preflight findings" data-testid="preflight-list">
          {open.map((check) => (
            <Row key={check.id} check={check} onFix={onFix} />
          ))}
        </ul>
      )}
      {passed.length > 0 && (
        <details className="preflight__passed" open={open.length === 0} data-testid="preflight-passed">
          <summary>
            {passed.length} passed check{passed.length === 1 ? '' : 's'}
          </summary>
          <ul className="preflight" aria-label="Passed preflight checks">
            {passed.map((check) => (
              <Row key={check.id} check={check} onFix={onFix} />
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function Row({ check, onFix }: { check: PreflightCheck; onFix: (home: CheckHome) => void }) {
  const home = check.status === 'fail' || check.status === 'warn' ? checkHome(check) : undefined;
  const fix = guiFix(check);
  return (
    <li className="preflight__row" data-testid={`preflight-${check.id}`} data-status={check.status}>
      <StatusMark status={MARK[check.status]} />
      <div className="preflight__text">
        <span className="preflight__label">
          {check.label}
          {check.status === 'skipped' && <span className="preflight__skipped"> · skipped</span>}
        </span>
        <span className="preflight__value selectable">{check.value}</span>
        {fix && (
          <span className="preflight__fix selectable">
            <RichText text={fix} />
          </span>
        )}
      </div>
      {home && (
        <Button size="sm" onClick={() => onFix(home)} data-testid={`fix-${check.id}`}>
          Fix in {homeLabel(home)}
        </Button>
      )}
    </li>
  );
}
