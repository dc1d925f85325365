import { describe, expect, it } from 'vitest';

import type { PreflightCheck } from '../../../../../shared/domain/preflight';
import { launchNote } from './launch-note';

const check = (status: PreflightCheck['status']) => ({ id: 'x', label: 'X', status, value: 'v' }) as PreflightCheck;

// The footer said "Every check passed" beside "Preflight: passed with 1 warning" (seen in the
// wizard-stop-fields shots: the budget's or the credentials' warning).
describe('the footer beside Launch', () => {
  it('says the warnings a passed preflight has, and "every check passed" only without one', () => {
    expect(launchNote({ checks: [check('pass'), check('warn')] }, true)).toBe(
      '1 warning above: Launch creates the resources above and starts the run.',
    );
    expect(launchNote({ checks: [check('warn'), check('warn')] }, true)).toMatch(/^2 warnings above: /);
    expect(launchNote({ checks: [check('pass')] }, true)).toBe(
      'Every check passed: Launch creates the resources above and starts the run.',
    );
    expect(launchNote(undefined, false)).toBe('Launch is available once every preflight check passes.');
  });
});
