import { describe, expect, it } from 'vitest';

import { formatBytes } from './format';

describe('formatBytes (the sync table and the report print the same figure the same way)', () => {
  it('binary units, one decimal below 100, whole numbers from 100 and for bytes', () => {
    expect([0, 512, 2048, 3.4 * 2 ** 20, 920_000_000, 15_300_000_000, 150 * 2 ** 30].map(formatBytes)).toEqual([
      '0 B',
      '512 B',
      '2.0 KiB',
      '3.4 MiB',
      '877 MiB',
      '14.2 GiB',
      '150 GiB',
    ]);
    // A rate in bytes per second is not a whole number.
    expect(formatBytes(512.7)).toBe('513 B');
  });
});
