import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { defined } from './defined';

describe('defined', () => {
  it('drops exactly the undefined properties and keeps every other value as it was', () => {
    const value = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.string(), fc.boolean());
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value), (input) => {
        const out: Record<string, unknown> = defined(input);
        for (const [key, v] of Object.entries(input)) {
          if (v === undefined) expect(Object.hasOwn(out, key)).toBe(false);
          else expect(out[key]).toBe(v);
        }
        expect(Object.keys(out).every((key) => Object.hasOwn(input, key))).toBe(true);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('keeps null, 0, false and the empty string (only undefined means absent)', () => {
    expect(defined({ a: null, b: 0, c: false, d: '', e: undefined })).toEqual({ a: null, b: 0, c: false, d: '' });
  });
});
