import { describe, expect, it } from 'vitest';

import { applyRunEvent, emptyRunSnapshot, type RunEvent, type RunSnapshot } from './run';
import type { SyncFolderStatus } from './run-sync';

const RUN = 'r1';
let seq = 0;
const at = '2026-01-01T00:00:00.000Z';
const event = (body: Record<string, unknown>, n = ++seq) => ({ runId: RUN, seq: n, at, ...body }) as RunEvent;

const folder = (name: string, patch: Partial<SyncFolderStatus> = {}): SyncFolderStatus => ({
  folder: name,
  policy: name === 'cached_datasets' ? 'pull-only' : 'local-wins',
  filesDone: 0,
  filesTotal: 4,
  bytesDone: 0,
  bytesTotal: 4_000,
  bytesPerSecond: 0,
  state: 'running',
  failures: 0,
  ...patch,
});

const fold = (events: RunEvent[], from: RunSnapshot = emptyRunSnapshot(RUN, 'run', 'local', at)) =>
  events.reduce(applyRunEvent, from);

describe('sync figures in the run snapshot', () => {
  it('keeps the newest figures per direction and folder, and a verification that arrives after them', () => {
    const snapshot = fold([
      event({
        type: 'sync',
        direction: 'pull',
        folders: [
          folder('cached_datasets', { filesDone: 1, bytesDone: 1_000, bytesPerSecond: 500 }),
          folder('models', { filesTotal: 0, bytesTotal: 0, state: 'done' }),
        ],
      }),
      event({
        type: 'sync',
        direction: 'pull',
        folders: [
          folder('cached_datasets', { filesDone: 4, bytesDone: 4_000, bytesPerSecond: 800, state: 'done' }),
          folder('models', { filesTotal: 0, bytesTotal: 0, state: 'done' }),
        ],
      }),
      event({
        type: 'sync-verified',
        direction: 'pull',
        folders: [{ folder: 'cached_datasets', policy: 'pull-only', ok: true, checked: 4, mismatches: 0 }],
      }),
      event({
        type: 'sync',
        direction: 'push',
        folders: [folder('models', { filesDone: 2, filesTotal: 2, state: 'done' })],
      }),
    ]);
    expect(snapshot.sync?.pull).toEqual([
      folder('cached_datasets', {
        filesDone: 4,
        bytesDone: 4_000,
        bytesPerSecond: 800,
        state: 'done',
        verified: { ok: true, checked: 4, mismatches: 0 },
      }),
      folder('models', { filesTotal: 0, bytesTotal: 0, state: 'done' }),
    ]);
    expect(snapshot.sync?.push).toEqual([folder('models', { filesDone: 2, filesTotal: 2, state: 'done' })]);
  });

  it('new figures keep the verification already recorded; a verification of an unseen folder adds a row', () => {
    const snapshot = fold([
      event({
        type: 'sync-verified',
        direction: 'push',
        folders: [{ folder: 'logs', policy: 'local-wins', ok: false, checked: 3, mismatches: 1 }],
      }),
      event({
        type: 'sync',
        direction: 'push',
        folders: [folder('logs', { filesDone: 3, filesTotal: 3, state: 'done' })],
      }),
    ]);
    expect(snapshot.sync?.push).toEqual([
      folder('logs', {
        filesDone: 3,
        filesTotal: 3,
        state: 'done',
        verified: { ok: false, checked: 3, mismatches: 1 },
      }),
    ]);
    const unseen = fold([
      event({
        type: 'sync-verified',
        direction: 'push',
        folders: [{ folder: 'models', policy: 'local-wins', ok: true, checked: 2, mismatches: 0 }],
      }),
    ]);
    expect(unseen.sync?.push).toEqual([
      {
        folder: 'models',
        policy: 'local-wins',
        filesDone: 0,
        filesTotal: 0,
        bytesDone: 0,
        bytesTotal: 0,
        bytesPerSecond: 0,
        state: 'done',
        failures: 0,
        verified: { ok: true, checked: 2, mismatches: 0 },
      },
    ]);
  });

  it('ignores a sync event at or below the snapshot seq (a late renderer replaying what it already has)', () => {
    const newer = fold([
      event(
        { type: 'sync', direction: 'pull', folders: [folder('cached_datasets', { filesDone: 4, state: 'done' })] },
        10,
      ),
    ]);
    const replayed = applyRunEvent(
      newer,
      event({ type: 'sync', direction: 'pull', folders: [folder('cached_datasets', { filesDone: 1 })] }, 9),
    );
    expect(replayed).toBe(newer);
    expect(
      applyRunEvent(
        newer,
        event({ type: 'sync', direction: 'pull', folders: [folder('cached_datasets', { filesDone: 2 })] }, 10),
      ),
    ).toBe(newer);
    expect(
      applyRunEvent(
        newer,
        event(
          { type: 'sync', direction: 'pull', folders: [folder('cached_datasets', { filesDone: 4, bytesDone: 9 })] },
          11,
        ),
      ).sync?.pull?.[0]?.bytesDone,
    ).toBe(9);
  });

  it('folds the same from journal lines (JSON) as live (an app restart)', () => {
    const events = [
      event({ type: 'sync', direction: 'pull', folders: [folder('cached_datasets', { filesDone: 4, state: 'done' })] }),
      event({
        type: 'sync-verified',
        direction: 'pull',
        folders: [{ folder: 'cached_datasets', policy: 'pull-only', ok: true, checked: 4, mismatches: 0 }],
      }),
    ];
    const replayed = events.map((e) => JSON.parse(JSON.stringify(e)) as RunEvent);
    expect(fold(replayed)).toEqual(fold(events));
  });
});
