import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  applyRunEvent,
  emptyRunSnapshot,
  RUN_PHASES,
  type RunEvent,
  type RunPhase,
  type RunSnapshot,
} from '../../shared/domain/run';
import type { JournalEntry } from '../../shared/domain/run-journal';
import { priceAttempt } from '../../shared/pricing/attempt-cost';
import type { SpotPricing } from '../../shared/pricing/spot-history';
import type { RunAttempt } from '../../shared/report/run-attempts';
import { computeRunCost } from '../../shared/report/run-cost';
import { finishedRunEvents } from '../../shared/report/testing/finished-run';

/**
 * A spot run that was interrupted twice and relaunched, as main leaves it on disk: every phase
 * done, and the relaunch engine's `attempts` event with three launches (eu-west-1a interrupted →
 * eu-west-1b interrupted → on-demand in eu-west-1b, finished). Also the same run live, in its
 * second attempt, for the monitor.
 */
export const RELAUNCHED_RUN_ID = 'llama-lora-20261205-061500-5907';
const NAME = 'llama-lora-spot';

// The fixture's spot prices (EC2's price history as main would read it for each attempt's zone and window).
const SPOT_AVG = { 'eu-west-1a': 0.3912, 'eu-west-1b': 0.4176 } as const;
const DISK_GB = 100;

/**
 * The three attempts of the finished run (`start`: epoch ms of the run's start), each priced as
 * the relaunch engine prices it when it ends (shared/pricing/attempt-cost.ts): the spot ones from
 * their zone's history over their own window, the on-demand one at the table's price, each with
 * its own root volume and public IPv4.
 */
export function relaunchedAttempts(start: number): RunAttempt[] {
  const iso = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
  const unpriced: RunAttempt[] = [
    {
      attempt: 1,
      instanceId: 'i-0a11b22c33d44e551',
      instanceType: 'g5.xlarge',
      zone: 'eu-west-1a',
      market: 'spot',
      startedAt: iso(1),
      endedAt: iso(49),
      end: 'interrupted',
    },
    {
      attempt: 2,
      instanceId: 'i-0b22c33d44e55f662',
      instanceType: 'g5.xlarge',
      zone: 'eu-west-1b',
      market: 'spot',
      startedAt: iso(53),
      endedAt: iso(131),
      end: 'interrupted',
    },
    {
      attempt: 3,
      instanceId: 'i-0c33d44e55f66a773',
      instanceType: 'g5.xlarge',
      zone: 'eu-west-1b',
      market: 'on-demand',
      startedAt: iso(135),
      endedAt: iso(190),
      end: 'finished',
    },
  ];
  return unpriced.map((a) => ({ ...a, ...priceAttempt(a, { diskGb: DISK_GB, spot: spotHistoryOf(a) }) }));
}

function spotHistoryOf(attempt: RunAttempt): SpotPricing | undefined {
  if (attempt.market !== 'spot') return undefined;
  const avg = SPOT_AVG[attempt.zone as keyof typeof SPOT_AVG];
  const hours = (Date.parse(attempt.endedAt!) - Date.parse(attempt.startedAt)) / 3_600_000;
  return { source: 'history', charge: { usd: avg * hours, hours, avgHourlyUsd: avg, points: 3, zone: attempt.zone } };
}

/** The finished run's events: phases, the attempts, the `cost` main computes from them, `finished`. */
export function relaunchedRunEvents(start: number): RunEvent[] {
  const events = finishedRunEvents({ runId: RELAUNCHED_RUN_ID, name: NAME, backend: 'aws-ec2', start, exitCode: 0 });
  const finished = events.pop()!;
  const base = { runId: RELAUNCHED_RUN_ID, at: finished.at };
  const attempts: RunEvent = { ...base, seq: finished.seq, type: 'attempts', attempts: relaunchedAttempts(start) };
  const before = [...events, attempts].reduce(
    applyRunEvent,
    emptyRunSnapshot(RELAUNCHED_RUN_ID, NAME, 'aws-ec2', new Date(start).toISOString()),
  );
  const setup = {
    backend: 'aws-ec2' as const,
    compute: { instanceType: 'g5.xlarge', diskGb: DISK_GB, market: 'spot' as const },
    instanceRegion: 'eu-west-1',
    bucketRegion: 'eu-west-1',
  };
  const cost: RunEvent = {
    ...base,
    seq: finished.seq + 1,
    type: 'cost',
    ...computeRunCost(before, setup, Date.parse(finished.at)),
  };
  return [...events, attempts, cost, { ...finished, seq: finished.seq + 2 }];
}

/** The run live in its second attempt, the first ended by a spot interruption (`now`: epoch ms). */
export function relaunchingRunSnapshot(now: number): RunSnapshot {
  const start = now - 75 * 60_000;
  const [first, second] = relaunchedAttempts(start);
  const { endedAt: _ended, end: _end, costUsd: _cost, ...running } = second!;
  // Every phase before training done; training running since the first attempt reached it.
  const before: readonly RunPhase[] = RUN_PHASES.slice(0, RUN_PHASES.indexOf('training'));
  const done = finishedRunEvents({ runId: RELAUNCHED_RUN_ID, name: NAME, backend: 'aws-ec2', start }).filter(
    (e) => e.type === 'started' || (e.type === 'phase' && before.includes(e.phase)),
  );
  const seq = done.at(-1)!.seq;
  const base = { runId: RELAUNCHED_RUN_ID };
  const live: RunEvent[] = [
    ...done,
    { ...base, seq: seq + 1, at: done.at(-1)!.at, type: 'phase', phase: 'training', status: 'running' },
    { ...base, seq: seq + 2, at: running.startedAt, type: 'attempts', attempts: [first!, running] },
  ];
  return live.reduce(
    applyRunEvent,
    emptyRunSnapshot(RELAUNCHED_RUN_ID, NAME, 'aws-ec2', new Date(start).toISOString()),
  );
}

/** What the three launches created and the teardown deleted, verified (journal.jsonl). */
function relaunchedJournal(start: number): JournalEntry[] {
  const iso = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
  const shared = [
    { kind: 'key-pair', id: 'key-0d00d1e5d00d1e501' },
    { kind: 'security-group', id: 'sg-0e1f2a3b4c5d6e7f8' },
  ] as const;
  const instances = relaunchedAttempts(start).map((a) => ({
    kind: 'instance' as const,
    id: a.instanceId,
    at: a.startedAt,
  }));
  return [
    {
      type: 'opened',
      at: iso(0.5),
      runId: RELAUNCHED_RUN_ID,
      region: 'eu-west-1',
      instanceType: 'g5.xlarge',
      pid: 4242,
    },
    ...shared.map((r) => ({ type: 'created' as const, at: iso(1), step: r.kind, ...r })),
    ...instances.map((r) => ({ type: 'created' as const, at: r.at, step: 'instance', kind: r.kind, id: r.id })),
    ...[...instances, ...shared].map((r) => ({ type: 'deleted' as const, at: iso(191), kind: r.kind, id: r.id })),
    { type: 'closed', at: iso(191), outcome: 'torn-down' },
  ];
}

/** Writes the finished run (events.jsonl, journal.jsonl) into the data folder `dataDir`, owner-only as main does. */
export function writeRelaunchedRun(dataDir: string, start: number): void {
  const dir = join(dataDir, 'runs', RELAUNCHED_RUN_ID);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lines = relaunchedRunEvents(start).map((e) => JSON.stringify(e));
  writeFileSync(join(dir, 'events.jsonl'), lines.join('\n') + '\n', { mode: 0o600 });
  const journal = relaunchedJournal(start).map((e) => JSON.stringify(e));
  writeFileSync(join(dir, 'journal.jsonl'), journal.join('\n') + '\n', { mode: 0o600 });
}
