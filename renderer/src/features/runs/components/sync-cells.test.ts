import { describe, expect, it } from 'vitest';

import type { SyncFolderStatus } from '../../../../../shared/domain/run-sync';
import { bytesParts, rateText, settledSummary, stateBadge, verifiedText } from './sync-cells';

const folder = (patch: Partial<SyncFolderStatus> = {}): SyncFolderStatus => ({
  folder: 'models',
  policy: 'local-wins',
  filesDone: 1,
  filesTotal: 2,
  bytesDone: 512 * 1024 * 1024,
  bytesTotal: 3 * 1024 ** 3,
  bytesPerSecond: 0,
  state: 'running',
  failures: 0,
  ...patch,
});

describe('sync table cells', () => {
  it('bytes in binary units, one figure once complete; a dash for no rate', () => {
    expect(bytesParts(folder())).toEqual(['512 MiB', '3.0 GiB']);
    expect(bytesParts(folder({ bytesDone: 2048, bytesTotal: 2048 }))).toEqual(['2.0 KiB']);
    expect(rateText(folder())).toBe('—');
    expect(rateText(folder({ bytesPerSecond: 12 * 1024 * 1024 }))).toBe('12.0 MiB/s');
    expect(bytesParts(folder({ bytesDone: 15_300_000_000, bytesTotal: 15_300_000_000 }))).toEqual(['14.2 GiB']);
  });

  it('states: moving, stopped with the run, failed with a count, done, up to date', () => {
    expect(stateBadge(folder(), false)).toEqual({ label: 'Moving', tone: 'info' });
    expect(stateBadge(folder(), true)).toEqual({ label: 'Stopped', tone: 'neutral' });
    expect(stateBadge(folder({ state: 'failed', failures: 2 }), true)).toEqual({ label: '2 failed', tone: 'danger' });
    expect(stateBadge(folder({ state: 'done', filesDone: 2 }), false)).toEqual({ label: 'Done', tone: 'success' });
    expect(stateBadge(folder({ state: 'done', filesDone: 0, filesTotal: 0 }), false)).toEqual({
      label: 'Up to date',
      tone: 'neutral',
    });
  });

  it('verification: passed with its count, failed with mismatches', () => {
    expect(verifiedText({ ok: true, checked: 3, mismatches: 0 })).toBe('3 verified');
    expect(verifiedText({ ok: true, checked: 0, mismatches: 0 })).toBe('nothing to check');
    expect(verifiedText({ ok: false, checked: 3, mismatches: 1 })).toBe('1 mismatch · 3 checked');
  });
});

describe('the folded sync table', () => {
  // A folder whose data all moved.
  const done = (over: Partial<SyncFolderStatus>) =>
    folder({ filesDone: 2, bytesDone: 3 * 1024 ** 3, state: 'done', ...over });

  it('folds once every folder is done: one line per direction with files, bytes and what was verified', () => {
    expect(
      settledSummary({
        pull: [
          done({ verified: { ok: true, checked: 2, mismatches: 0 } }),
          done({ folder: 'logs', filesDone: 0, bytesDone: 0 }),
        ],
      }),
    ).toEqual(['Pull done · 2 files · 3.0 GiB · 2 verified']);
    expect(settledSummary({ pull: [done({})], push: [done({ filesDone: 1 })] })).toEqual([
      'Pull done · 2 files · 3.0 GiB',
      'Push done · 1 file · 3.0 GiB',
    ]);
  });

  it('stays open while data moves, after a failure or a failed verification, and before any figure', () => {
    expect(settledSummary(undefined)).toBeUndefined();
    expect(settledSummary({ pull: [] })).toBeUndefined();
    expect(settledSummary({ pull: [done({})], push: [done({ state: 'running' })] })).toBeUndefined();
    expect(settledSummary({ pull: [done({ failures: 1 })] })).toBeUndefined();
    expect(settledSummary({ pull: [done({ verified: { ok: false, checked: 2, mismatches: 1 } })] })).toBeUndefined();
  });
});
