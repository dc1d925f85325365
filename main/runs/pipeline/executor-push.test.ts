import { describe, expect, it } from 'vitest';

import { TypedError } from '../../../shared/ipc/result';
import { failureLines, PhaseError } from '../../executor/phase-error';
import { pushFailure } from './executor-push';

// A push the executor refuses reaches the page with the executor's own fix, not "See the
// TrainDeck log for details" (the router's word for an unexpected Error): its stderr carries the
// fix on the line before the reason, and the desktop reads both back.
describe('a refused push during training keeps its fix on the way to the page', () => {
  it('the executor says the fix before the reason; the desktop reads both back as a typed error', () => {
    const refusal = new PhaseError(
      'a push asked for earlier is still running (PID 4242)',
      'Wait for it to finish; the run’s events say what it moved.',
    );
    const error = pushFailure(1, `some earlier noise\n${failureLines(refusal)}`);
    expect(error).toBeInstanceOf(TypedError);
    expect((error as TypedError).toAppError()).toEqual({
      code: 'PRECONDITION_FAILED',
      message: 'The push failed (exit 1): a push asked for earlier is still running (PID 4242).',
      fix: 'Wait for it to finish; the run’s events say what it moved.',
    });
  });

  it('a failure without a fix stays a plain error with its reason (the last line, as before)', () => {
    const error = pushFailure(137, failureLines(new Error('killed\nstack line')));
    expect(error).not.toBeInstanceOf(TypedError);
    expect(error.message).toBe('the push failed (exit 137): killed');
    expect(pushFailure(1, '').message).toBe('the push failed (exit 1)');
  });

  it('a fix written over several lines still goes out as one line before the reason', () => {
    const lines = failureLines(new PhaseError('refused', 'first\n  second')).trimEnd().split('\n');
    expect(lines).toEqual(['traindeck-executor fix: first second', 'traindeck-executor: refused']);
  });
});
