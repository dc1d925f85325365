import { describe, expect, it } from 'vitest';

import { formatAppError, isAppError, TypedError } from './result';

describe('Result helpers', () => {
  it('turns a TypedError into its wire form with code, message and fix', () => {
    const error = new TypedError('NOT_FOUND', 'Bucket "x" does not exist.', { fix: 'Create it first.' });
    expect(error.toAppError()).toEqual({
      code: 'NOT_FOUND',
      message: 'Bucket "x" does not exist.',
      fix: 'Create it first.',
    });
  });

  it('recognises app errors by shape and known code only', () => {
    expect(isAppError({ code: 'TIMEOUT', message: 'late' })).toBe(true);
    expect(isAppError({ code: 'NOPE', message: 'x' })).toBe(false);
    expect(isAppError({ code: 'TIMEOUT' })).toBe(false);
    expect(isAppError(null)).toBe(false);
  });

  it('formats an error as one line with its fix', () => {
    expect(formatAppError({ code: 'AWS', message: 'Denied.', fix: 'Ask for s3:GetObject.' })).toBe(
      'AWS: Denied. — Ask for s3:GetObject.',
    );
    expect(formatAppError({ code: 'AWS', message: 'Denied.' })).toBe('AWS: Denied.');
  });
});
