import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { countOf } from './plural';

describe('countOf: a count with its noun in the right number', () => {
  it('one is singular; zero and many are plural; an irregular plural is used as given', () => {
    expect(countOf(1, 'resource')).toBe('1 resource');
    expect(countOf(0, 'region')).toBe('0 regions');
    expect(countOf(17, 'region')).toBe('17 regions');
    expect(countOf(2, 'policy', 'policies')).toBe('2 policies');
    expect(countOf(1, 'policy', 'policies')).toBe('1 policy');
  });

  it('never writes "(s)" and always starts with the count itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => {
        const text = countOf(n, 'resource');
        expect(text.startsWith(`${n} `)).toBe(true);
        expect(text).not.toContain('(s)');
        expect(text.endsWith('resources')).toBe(n !== 1);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
