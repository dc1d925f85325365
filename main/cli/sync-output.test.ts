import { describe, expect, it } from 'vitest';

import { formatBytes } from '../../shared/report/format';
import { formatSummary } from './sync-output';

describe('the CLI prints sizes as the app and the report do (binary units)', () => {
  it('a summary of 1.5 MiB in 2 s says MiB, not the decimal MB the CLI once had of its own', () => {
    const line = formatSummary({
      direction: 'push',
      uploaded: 1,
      downloaded: 0,
      deleted: 0,
      skipped: 0,
      bytes: 1.5 * 2 ** 20,
      seconds: 2,
      failures: [],
      skippedPaths: [],
      cancelled: false,
    });
    expect(line).toContain(`; 1.5 MiB in 2.0 s at ${formatBytes(0.75 * 2 ** 20)}/s`);
    expect(line).toContain('768 KiB/s');
  });
});
