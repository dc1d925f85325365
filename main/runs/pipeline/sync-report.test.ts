import { describe, expect, it } from 'vitest';

import { parseSyncReport } from './sync-report';

const figures = {
  folder: 'models',
  policy: 'local-wins',
  filesDone: 1,
  filesTotal: 2,
  bytesDone: 10,
  bytesTotal: 20,
  bytesPerSecond: 5,
  state: 'running',
  failures: 0,
};

describe('parseSyncReport (an executor line is machine input)', () => {
  it('passes well-formed figures and verification results, without unknown fields', () => {
    expect(parseSyncReport({ type: 'sync', direction: 'push', folders: [{ ...figures, extra: 'x' }] })).toEqual({
      type: 'sync',
      direction: 'push',
      folders: [figures],
    });
    const verified = {
      type: 'sync-verified',
      direction: 'pull',
      folders: [{ folder: 'cached_datasets', policy: 'pull-only', ok: true, checked: 3, mismatches: 0 }],
    };
    expect(parseSyncReport(verified)).toEqual(verified);
  });

  it('drops a malformed report', () => {
    expect(parseSyncReport({ type: 'sync', direction: 'sideways', folders: [] })).toBeUndefined();
    expect(
      parseSyncReport({ type: 'sync', direction: 'pull', folders: [{ ...figures, filesDone: -1 }] }),
    ).toBeUndefined();
    expect(
      parseSyncReport({ type: 'sync', direction: 'pull', folders: [{ ...figures, state: 'exploded' }] }),
    ).toBeUndefined();
    expect(parseSyncReport('sync')).toBeUndefined();
  });
});
