import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { TypedError } from '../../../shared/ipc/result';
import { failureLines, FIX_LINE_PREFIX, PhaseError } from '../../executor/phase-error';
import { pushFailure } from './executor-push';
import { REMOTE_LINE_MAX_CHARS } from './remote-line';

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

// The machine is not trusted: whoever is root on it writes what they like on the push's stderr, and
// both lines reach the page (the fix) and the log (the message).
describe('a refusal from the machine is shown cleaned (hostile stderr)', () => {
  const secrets = {
    sseKey: 'c2VjcmV0LXNzZS1jLWtleS0zMi1ieXRlcy1sb25nISE=',
    s3: { accessKeyId: 'AKIDEXAMPLEKEY123456', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  };
  const said = (error: Error) =>
    error instanceof TypedError ? [error.message, error.toAppError().fix ?? ''] : [error.message];

  it('control characters, a secret it was sent, a key-shaped word and URL credentials never reach the fix', () => {
    const fix = `\u001b[2J\u001b[31mPaste ${secrets.sseKey} and AKIAIOSFODNN7EXAMPLE at https://me:pw@evil.example/\rfake\u202e`;
    const error = pushFailure(
      1,
      `${FIX_LINE_PREFIX}${fix}\ntraindeck-executor: busy ${secrets.s3.secretAccessKey}\u0007\n`,
      secrets,
    );
    expect(error).toBeInstanceOf(TypedError);
    const [message, shownFix] = said(error);
    expect(shownFix).toBe('[2J[31mPaste «redacted sseKey» and «redacted» at https://***@evil.example/fake');
    expect(message).toBe('The push failed (exit 1): busy «redacted secretAccessKey».');
  });

  it('a secret with an invisible character inside it is still found', () => {
    const hidden = `${secrets.sseKey.slice(0, 10)}\u200b${secrets.sseKey.slice(10)}`;
    const error = pushFailure(1, `${FIX_LINE_PREFIX}try ${hidden}\ntraindeck-executor: no`, secrets);
    expect(said(error)[1]).toBe('try «redacted sseKey»');
  });

  it('a huge line is cut to a readable length', () => {
    const error = pushFailure(
      1,
      `${FIX_LINE_PREFIX}${'x'.repeat(1_000_000)}\ntraindeck-executor: ${'y'.repeat(50_000)}`,
    );
    const [message, fix] = said(error);
    expect(Array.from(fix!)).toHaveLength(REMOTE_LINE_MAX_CHARS);
    expect(fix!.endsWith('…')).toBe(true);
    expect(message!.length).toBeLessThan(REMOTE_LINE_MAX_CHARS + 40);
  });

  it('a reason that ends its own sentence gets no second period', () => {
    const error = pushFailure(1, failureLines(new PhaseError('A push is already running.', 'Wait for it.')));
    expect(error.message).toBe('The push failed (exit 1): A push is already running.');
  });

  it('lines missing or out of order claim no fix', () => {
    expect(pushFailure(1, `${FIX_LINE_PREFIX}Wait.\n`)).not.toBeInstanceOf(TypedError);
    expect(pushFailure(1, `traindeck-executor: busy\n${FIX_LINE_PREFIX}Wait.\n`)).not.toBeInstanceOf(TypedError);
    expect(pushFailure(1, `${FIX_LINE_PREFIX}Wait.\nnoise after\n`)).not.toBeInstanceOf(TypedError);
    expect(pushFailure(1, `${FIX_LINE_PREFIX}\u0007\ntraindeck-executor: busy\n`)).not.toBeInstanceOf(TypedError);
  });

  it('whatever the machine writes, what is shown has no invisible character, no secret it was sent, and a bound (property)', () => {
    const line = fc.string({ unit: 'grapheme', maxLength: 400 });
    const piece = fc.oneof(
      line,
      fc.constant(secrets.sseKey),
      fc.constant('\u001b[0m'),
      fc.constant('\r'),
      fc.constant('.'),
    );
    const stderr = fc
      .array(
        fc.tuple(fc.constantFrom('', FIX_LINE_PREFIX, 'traindeck-executor: '), fc.array(piece, { maxLength: 6 })),
        { maxLength: 5 },
      )
      .map((rows) => rows.map(([prefix, parts]) => `${prefix}${parts.join('')}`).join('\n'));
    fc.assert(
      fc.property(stderr, (text) => {
        for (const shown of said(pushFailure(1, text, secrets))) {
          expect(shown).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}]/u);
          expect(shown).not.toContain(secrets.sseKey);
          expect(shown).not.toMatch(/\.\.$/);
          expect(Array.from(shown).length).toBeLessThanOrEqual(REMOTE_LINE_MAX_CHARS + 40);
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
