import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { RunEvent } from '../../shared/domain/run';
import type { SyncFolderStatus } from '../../shared/domain/run-sync';
import type { PreparedRun } from './pipeline/prepare-run';
import { prepareRun } from './pipeline/prepare-run';
import { runPipeline } from './pipeline/run-pipeline';
import type * as RunCostEventModule from './run-cost-event';
import { runCostEvent } from './run-cost-event';
import type { RunService } from './run-service';
import { STUB_RUN_CONFIG, stubbedRunService } from './testing/stubbed-run-service';

// The pipeline itself is covered by the S3 tests; here it only emits what a run would and ends.
vi.mock('./pipeline/prepare-run', () => ({ prepareRun: vi.fn() }));
vi.mock('./pipeline/run-pipeline', () => ({ runPipeline: vi.fn() }));
vi.mock('./run-cost-event', async (importOriginal) => {
  const actual = await importOriginal<typeof RunCostEventModule>();
  return { ...actual, runCostEvent: vi.fn(actual.runCostEvent) };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-run-service-ending-'));
  vi.mocked(prepareRun).mockResolvedValue({} as PreparedRun);
});
afterEach(async () => {
  vi.mocked(runPipeline).mockReset();
  await rm(dir, { recursive: true, force: true });
});

const config = STUB_RUN_CONFIG;
const service = (events: RunEvent[] = []): RunService => stubbedRunService(dir, events);

const models = (state: SyncFolderStatus['state'], bytesDone: number): SyncFolderStatus => ({
  folder: 'models',
  policy: 'local-wins',
  filesDone: state === 'done' ? 2 : 1,
  filesTotal: 2,
  bytesDone,
  bytesTotal: 200,
  bytesPerSecond: 50,
  state,
  failures: 0,
});
const logs = (state: SyncFolderStatus['state']): SyncFolderStatus => ({
  folder: 'logs',
  policy: 'local-wins',
  filesDone: 1,
  filesTotal: 1,
  bytesDone: 10,
  bytesTotal: 10,
  bytesPerSecond: 10,
  state,
  failures: 0,
});

async function journal(runId: string): Promise<RunEvent[]> {
  return (await readFile(join(dir, 'runs', runId, 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RunEvent);
}

describe('RunService: what events.jsonl keeps, and how a run ends', () => {
  it('journals only the final sync figures (and every verification); the live stream has them all; history folds the same final figures', async () => {
    vi.mocked(runPipeline).mockImplementation(async ({ emit }) => {
      emit({ type: 'sync', direction: 'push', folders: [models('running', 50), logs('done')] });
      emit({ type: 'sync', direction: 'push', folders: [models('running', 150), logs('done')] });
      emit({ type: 'sync', direction: 'push', folders: [models('done', 200), logs('done')] });
      emit({
        type: 'sync-verified',
        direction: 'push',
        folders: [{ folder: 'models', policy: 'local-wins', ok: true, checked: 2, mismatches: 0 }],
      });
      return { outcome: 'succeeded', exitCode: 0 };
    });
    const events: RunEvent[] = [];
    const live = service(events);
    const { runId } = live.start({ config, baseDir: dir, backend: 'local' });
    const final = await live.wait(runId);
    expect(events.filter((e) => e.type === 'sync')).toHaveLength(3);

    const journaled = await journal(runId);
    const syncs = journaled.filter((e) => e.type === 'sync');
    expect(syncs).toHaveLength(1);
    expect(syncs[0]).toMatchObject({ folders: [models('done', 200), logs('done')] });
    expect(journaled.filter((e) => e.type === 'sync-verified')).toHaveLength(1);

    const restarted = service().get(runId);
    expect(restarted.sync).toEqual(final.sync);
    expect(restarted.sync?.push?.find((f) => f.folder === 'models')).toMatchObject({
      state: 'done',
      bytesDone: 200,
      verified: { ok: true, checked: 2, mismatches: 0 },
    });
    expect(restarted.state).toBe('succeeded');
  });

  it('a cost computation that throws leaves a succeeded run succeeded, with its finished event', async () => {
    vi.mocked(runPipeline).mockResolvedValue({ outcome: 'succeeded', exitCode: 0 });
    vi.mocked(runCostEvent).mockImplementationOnce(() => {
      throw new Error('cost bug');
    });
    const events: RunEvent[] = [];
    const runs = service(events);
    const { runId } = runs.start({ config, baseDir: dir, backend: 'local' });
    const final = await runs.wait(runId);
    expect(final.state).toBe('succeeded');
    expect(final.phases.preflight.status).not.toBe('failed');
    expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: 'succeeded', exitCode: 0 });
    expect(events.filter((e) => e.type === 'finished')).toHaveLength(1);
    expect(events.some((e) => e.type === 'cost')).toBe(false);
    expect((await journal(runId)).at(-1)).toMatchObject({ type: 'finished', outcome: 'succeeded' });
  });

  it('a preparation failure still ends with the cost, then finished "preflight: …"', async () => {
    vi.mocked(prepareRun).mockRejectedValueOnce(new Error('the key file is unreadable'));
    const events: RunEvent[] = [];
    const runs = service(events);
    const { runId } = runs.start({ config, baseDir: dir, backend: 'local' });
    expect(await runs.wait(runId)).toMatchObject({ state: 'failed', reason: 'preflight: the key file is unreadable' });
    expect(events.slice(-2).map((e) => e.type)).toEqual(['cost', 'finished']);
  });
});
