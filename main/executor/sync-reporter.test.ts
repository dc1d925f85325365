import { describe, expect, it } from 'vitest';

import type { RunSyncReport, SyncFolderStatus } from '../../shared/domain/run-sync';
import { DEFAULT_SYNC_FOLDERS } from '../../shared/run-config/schema';
import type { SyncEvent } from '../../shared/sync/events';
import type { SyncProgress, SyncSummary } from '../../shared/sync/types';
import { SYNC_REPORT_INTERVAL_MS, syncReporter } from './sync-reporter';

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

type Figures = Omit<SyncProgress['folders'][string], 'bytesPerSecond'> & { bytesPerSecond?: number };
const progress = (folders: Record<string, Figures>): SyncEvent => ({
  type: 'progress',
  progress: {
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    bytesPerSecond: 0,
    folders: Object.fromEntries(Object.entries(folders).map(([name, f]) => [name, { bytesPerSecond: 0, ...f }])),
  },
});
const summary = (patch: Partial<SyncSummary> = {}): SyncEvent => ({
  type: 'summary',
  summary: {
    direction: 'pull',
    uploaded: 0,
    downloaded: 0,
    deleted: 0,
    skipped: 0,
    bytes: 0,
    seconds: 1,
    failures: [],
    skippedPaths: [],
    cancelled: false,
    ...patch,
  },
});
const plan: SyncEvent = {
  type: 'plan',
  direction: 'pull',
  uploads: 0,
  downloads: 10,
  deletes: 0,
  skips: 0,
  bytes: 10_000_000,
  dryRun: false,
};
const figures = (lines: RunSyncReport[], index: number) => (lines[index] as { folders: SyncFolderStatus[] }).folders;

describe('syncReporter', () => {
  it('asks the engine for progress once a second, writes a line per progress event, plus an exact final line', () => {
    const c = clock();
    const lines: RunSyncReport[] = [];
    const reporter = syncReporter('pull', DEFAULT_SYNC_FOLDERS, (r) => lines.push(r), { now: c.now });
    expect(reporter.progressIntervalMs).toBe(SYNC_REPORT_INTERVAL_MS);
    expect(SYNC_REPORT_INTERVAL_MS).toBe(1_000);
    reporter.onEvent(plan);
    // What the engine sends at that interval: one progress a second, with the recent rate per folder.
    for (let i = 1; i <= 3; i++) {
      c.advance(1_000);
      reporter.onEvent(
        progress({
          cached_datasets: {
            filesDone: [1, 3, 6][i - 1]!,
            filesTotal: 10,
            bytesDone: i * 3_333_330,
            bytesTotal: 10_000_000,
            bytesPerSecond: 3_333_330,
          },
        }),
      );
    }
    expect(lines).toHaveLength(3);
    c.advance(50);
    // The engine's last progress says what the final line says: no line of its own.
    reporter.onEvent(
      progress({
        cached_datasets: {
          filesDone: 10,
          filesTotal: 10,
          bytesDone: 10_000_000,
          bytesTotal: 10_000_000,
          bytesPerSecond: 3_300_000,
        },
      }),
    );
    reporter.onEvent(summary({ downloaded: 10, bytes: 10_000_000 }));
    reporter.end();
    expect(lines).toHaveLength(4);
    const last = figures(lines, 3);
    expect(lines[3]).toMatchObject({ type: 'sync', direction: 'pull' });
    // Every folder of the config, in its order; those with nothing to move are done at zero.
    expect(last.map((f) => f.folder)).toEqual(['cached_datasets', 'logs', 'models', 'checkpoints']);
    // A finished folder: its average from plan to done (10 MB in 3.05 s).
    expect(last[0]).toEqual({
      folder: 'cached_datasets',
      policy: 'pull-only',
      filesDone: 10,
      filesTotal: 10,
      bytesDone: 10_000_000,
      bytesTotal: 10_000_000,
      bytesPerSecond: 3_278_689,
      state: 'done',
      failures: 0,
    });
    expect(last[1]).toMatchObject({ folder: 'logs', filesDone: 0, filesTotal: 0, state: 'done', bytesPerSecond: 0 });
    // While running: the engine's rate of the recent window (about 3.3 MB/s here).
    expect(figures(lines, 1)[0]).toMatchObject({ state: 'running', filesDone: 3 });
    expect(figures(lines, 1)[0]!.bytesPerSecond).toBeGreaterThan(3_000_000);
    expect(figures(lines, 1)[0]!.bytesPerSecond).toBeLessThan(3_500_000);
  });

  it('counts failed files per folder and marks the folder failed', () => {
    const c = clock();
    const lines: RunSyncReport[] = [];
    const reporter = syncReporter('push', DEFAULT_SYNC_FOLDERS, (r) => lines.push(r), { now: c.now });
    reporter.onEvent({ type: 'failed-file', folder: 'models', relPath: 'model.pkl', message: 'AccessDenied' });
    c.advance(2_000);
    reporter.onEvent(
      progress({
        models: { filesDone: 2, filesTotal: 2, bytesDone: 10, bytesTotal: 20 },
        logs: { filesDone: 1, filesTotal: 1, bytesDone: 5, bytesTotal: 5 },
      }),
    );
    reporter.onEvent(
      summary({
        direction: 'push',
        failures: [{ folder: 'models', relPath: 'model.pkl', action: 'upload', message: 'AccessDenied' }],
      }),
    );
    const last = figures(lines, lines.length - 1);
    // A push never writes to the pull-only datasets: no row for them.
    expect(last.map((f) => f.folder)).toEqual(['logs', 'models', 'checkpoints']);
    expect(last.find((f) => f.folder === 'models')).toMatchObject({ state: 'failed', failures: 1 });
    expect(last.find((f) => f.folder === 'logs')).toMatchObject({ state: 'done', failures: 0 });
  });

  it('a sync that throws before its summary still gets a final line, unfinished folders failed', () => {
    const c = clock();
    const lines: RunSyncReport[] = [];
    const reporter = syncReporter('pull', DEFAULT_SYNC_FOLDERS, (r) => lines.push(r), { now: c.now });
    reporter.onEvent(progress({ cached_datasets: { filesDone: 1, filesTotal: 3, bytesDone: 1, bytesTotal: 3 } }));
    reporter.end();
    reporter.end();
    expect(lines).toHaveLength(2);
    expect(figures(lines, 1)[0]).toMatchObject({ state: 'failed', filesDone: 1, filesTotal: 3 });
    expect(figures(lines, 1)[1]).toMatchObject({ folder: 'logs', state: 'done' });
  });
});
