import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { applyRunEvent, emptyRunSnapshot, RUN_PHASES, type RunEvent } from '../../shared/domain/run';
import type { RunCost } from '../../shared/domain/run-cost';
import type { JournalEntry } from '../../shared/domain/run-journal';
import type { SyncFolderStatus } from '../../shared/domain/run-sync';
import { computeRunCost } from '../../shared/report/run-cost';
import { PULLED, RUN_ID, runSnapshot } from './monitor-fixture';
import { useDataDirOnDisk } from './support';

/** The push's final figures, as the page's `sync` events carry them. */
export const PUSHED: SyncFolderStatus[] = [
  {
    folder: 'logs',
    policy: 'local-wins',
    filesDone: 3,
    filesTotal: 3,
    bytesDone: 4_200_000,
    bytesTotal: 4_200_000,
    bytesPerSecond: 3_100_000,
    state: 'done',
    failures: 0,
    verified: { ok: true, checked: 3, mismatches: 0 },
  },
  {
    folder: 'models',
    policy: 'local-wins',
    filesDone: 2,
    filesTotal: 2,
    bytesDone: 98_000_000,
    bytesTotal: 98_000_000,
    bytesPerSecond: 88_000_000,
    state: 'done',
    failures: 0,
    verified: { ok: true, checked: 2, mismatches: 0 },
  },
  {
    folder: 'checkpoints',
    policy: 'newest-wins',
    filesDone: 4,
    filesTotal: 4,
    bytesDone: 3_680_000_000,
    bytesTotal: 3_680_000_000,
    bytesPerSecond: 176_000_000,
    state: 'done',
    failures: 0,
    verified: { ok: true, checked: 6, mismatches: 0 },
  },
];

// The figures travel without their verification; it comes in its own event, as from the executor.
const verifiedOf = (direction: 'pull' | 'push', folders: SyncFolderStatus[]) => ({
  type: 'sync-verified',
  direction,
  folders: folders.flatMap((f) => (f.verified ? [{ folder: f.folder, policy: f.policy, ...f.verified }] : [])),
});

/**
 * The monitored run as main leaves it on disk once it was stopped: its events.jsonl (phases up
 * to the cut-short push, the sync figures, the `cost` main computes, `finished`) and its
 * journal.jsonl (what the launch created; nothing deleted yet: the demo account still has it).
 */
export function finishedRunFiles(finishedAt: number): { events: RunEvent[]; journal: JournalEntry[]; cost: RunCost } {
  const fixture = runSnapshot();
  const iso = (ms: number) => new Date(ms).toISOString();
  const events: RunEvent[] = [];
  const add = (body: Record<string, unknown>, at: string) =>
    events.push({ runId: RUN_ID, seq: events.length + 1, at, ...body } as RunEvent);
  add({ type: 'started', name: fixture.name, backend: fixture.backend, host: fixture.host }, fixture.startedAt);
  for (const phase of RUN_PHASES.slice(0, RUN_PHASES.indexOf('training'))) {
    add({ type: 'phase', phase, status: 'running' }, fixture.phases[phase].startedAt!);
    add({ type: 'phase', phase, status: 'succeeded' }, fixture.phases[phase].endedAt!);
    if (phase === 'pulling') add({ type: 'sync', direction: 'pull', folders: PULLED }, fixture.phases[phase].endedAt!);
    if (phase === 'verifying') add(verifiedOf('pull', PULLED), fixture.phases[phase].endedAt!);
  }
  add({ type: 'phase', phase: 'training', status: 'running' }, fixture.phases.training.startedAt!);
  add({ type: 'phase', phase: 'training', status: 'succeeded' }, iso(finishedAt));
  add({ type: 'phase', phase: 'pushing', status: 'running' }, iso(finishedAt));
  add({ type: 'sync', direction: 'push', folders: PUSHED }, iso(finishedAt));
  add(verifiedOf('push', PUSHED), iso(finishedAt));
  const before = events.reduce(
    applyRunEvent,
    emptyRunSnapshot(RUN_ID, fixture.name, fixture.backend, fixture.startedAt),
  );
  const cost = computeRunCost(
    before,
    {
      backend: 'aws-ec2',
      compute: { instanceType: 'g5.xlarge', diskGb: 150, market: 'on-demand' },
      instanceRegion: 'eu-west-1',
      bucketRegion: 'eu-west-1',
    },
    finishedAt,
  );
  add({ type: 'cost', ...cost }, iso(finishedAt));
  add(
    {
      type: 'finished',
      outcome: 'cancelled',
      reason: 'Stopped by the user; data pushed and verified, resources deleted.',
      exitCode: 143,
    },
    iso(finishedAt),
  );
  const launched = fixture.phases.provisioning.startedAt!;
  const journal: JournalEntry[] = [
    { type: 'opened', at: launched, runId: RUN_ID, region: 'eu-west-1', instanceType: 'g5.xlarge', pid: 4242 },
    { type: 'created', at: launched, step: 'key-pair', kind: 'key-pair', id: 'key-0c0ffee0c0ffee001' },
    { type: 'created', at: launched, step: 'security-group', kind: 'security-group', id: 'sg-0f1e2d3c4b5a69788' },
    { type: 'created', at: launched, step: 'instance-profile', kind: 'instance-profile', id: 'traindeck-executor' },
    {
      type: 'created',
      at: fixture.phases.provisioning.endedAt!,
      step: 'instance',
      kind: 'instance',
      id: 'i-0a1b2c3d4e5f60718',
    },
  ];
  return { events, journal, cost };
}

const jsonl = (entries: unknown[]) => entries.map((e) => JSON.stringify(e)).join('\n') + '\n';

/**
 * Writes {@link finishedRunFiles} into the app's data folder `dataDir` (its `runs/RUN_ID/`, as main
 * keeps a run: owner-only) and returns them.
 */
export function writeFinishedRun(dataDir: string, finishedAt: number): ReturnType<typeof finishedRunFiles> {
  const files = finishedRunFiles(finishedAt);
  const runDir = join(dataDir, 'runs', RUN_ID);
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(runDir, 'events.jsonl'), jsonl(files.events), { mode: 0o600 });
  writeFileSync(join(runDir, 'journal.jsonl'), jsonl(files.journal), { mode: 0o600 });
  return files;
}

/**
 * A data folder holding {@link finishedRunFiles} for the spec's browser host: `env` is handed to
 * `useWebHost` (call this first: its beforeAll must run before the host starts), `dataDir()`
 * is where the host saves the report.
 */
export function useFinishedRunOnDisk(finishedAt: number): {
  env: NodeJS.ProcessEnv;
  dataDir: () => string;
  cost: RunCost;
} {
  const { cost } = finishedRunFiles(finishedAt);
  return { ...useDataDirOnDisk('report', (dir) => writeFinishedRun(dir, finishedAt)), cost };
}
