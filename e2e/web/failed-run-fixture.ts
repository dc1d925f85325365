import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { applyRunEvent, emptyRunSnapshot, type RunEvent, type RunSnapshot } from '../../shared/domain/run';
import type { JournalEntry } from '../../shared/domain/run-journal';
import type { RunConfig } from '../../shared/run-config/schema';

/**
 * An EC2 run that failed at Connect as main leaves it on disk: the SSH error reaches its events
 * three times (the phase's reason, a teardown note, the run's "connecting: …"), its instance was
 * created and torn down. Its recorded settings (start.json) point at an SSE-C key file that does
 * not exist, so a Retry starts a real run in the browser host that fails at preflight at once.
 */
export const FAILED_RUN_ID = 'resnet50-20261205-081500-f00d';
export const SSH_ERROR =
  'SSH to 34.243.17.102:22 did not answer after 3 attempts in 2 min 10 s (last: connect ETIMEDOUT).';
export const INSTANCE_ID = 'i-0a1b2c3d4e5f60718';

export function failedRunEvents(startedAt: number): RunEvent[] {
  const iso = (minutes: number) => new Date(startedAt + minutes * 60_000).toISOString();
  const events: RunEvent[] = [];
  const add = (minutes: number, body: Record<string, unknown>) =>
    events.push({ runId: FAILED_RUN_ID, seq: events.length + 1, at: iso(minutes), ...body } as RunEvent);
  add(0, { type: 'started', name: 'resnet50-baseline', backend: 'aws-ec2' });
  add(0, { type: 'phase', phase: 'preflight', status: 'running' });
  add(0.5, {
    type: 'phase',
    phase: 'preflight',
    status: 'succeeded',
    detail: { instanceType: 'g5.xlarge', diskGb: 150, ttlMinutes: 240, market: 'on-demand', checks: 12 },
  });
  add(0.5, { type: 'phase', phase: 'provisioning', status: 'running', detail: { step: 'instance' } });
  add(3, {
    type: 'phase',
    phase: 'provisioning',
    status: 'succeeded',
    detail: { instanceId: INSTANCE_ID, publicIp: '34.243.17.102', region: 'eu-west-1', hostKeys: 'from the console' },
  });
  add(3, { type: 'phase', phase: 'connecting', status: 'running' });
  add(5, { type: 'phase', phase: 'connecting', status: 'failed', reason: SSH_ERROR });
  add(5, { type: 'log', source: 'info', line: `connecting: ${SSH_ERROR}` });
  add(5, { type: 'phase', phase: 'tearing-down', status: 'running' });
  add(6, {
    type: 'phase',
    phase: 'tearing-down',
    status: 'succeeded',
    detail: { deleted: 4, remainingHourlyUsd: 0 },
  });
  add(6, { type: 'finished', outcome: 'failed', reason: `connecting: ${SSH_ERROR}` });
  return events;
}

/** The run folded, as `runs.list` answers it. */
export function failedRunSnapshot(startedAt: number): RunSnapshot {
  return failedRunEvents(startedAt).reduce(
    applyRunEvent,
    emptyRunSnapshot(FAILED_RUN_ID, 'resnet50-baseline', 'aws-ec2', new Date(startedAt).toISOString()),
  );
}

/** What the failed run was started with (absolute paths, as main records them). */
export function failedRunConfig(dir: string): RunConfig {
  return {
    version: 1,
    name: 'resnet50-baseline',
    aws: { region: 'eu-west-1' },
    storage: {
      bucket: 'acme-ml-data',
      prefix: 'runs/resnet50',
      sseKeyFile: join(dir, 'missing-sse.key'),
      localRoot: join(dir, 'local'),
      folders: [{ name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' }],
    },
    code: { repoUrl: 'https://github.com/acme/train.git', branch: 'main', overrides: [] },
    compute: { instanceType: 'g5.xlarge', ttlMinutes: 240, diskGb: 150, market: 'on-demand', shutdownAfterPush: true },
    training: { command: 'python train.py', env: {}, graceSeconds: 60, diskReserveMb: 1024, maxRuntimeMinutes: 1440 },
  } as RunConfig;
}

/** What the launch created and the teardown deleted, verified (the run's journal.jsonl). */
export function failedRunJournal(startedAt: number): JournalEntry[] {
  const iso = (minutes: number) => new Date(startedAt + minutes * 60_000).toISOString();
  const made = [
    { kind: 'key-pair', id: 'key-0c0ffee0c0ffee001' },
    { kind: 'security-group', id: 'sg-0f1e2d3c4b5a69788' },
    { kind: 'instance-profile', id: 'traindeck-executor' },
    { kind: 'instance', id: INSTANCE_ID },
  ] as const;
  return [
    { type: 'opened', at: iso(0.5), runId: FAILED_RUN_ID, region: 'eu-west-1', instanceType: 'g5.xlarge', pid: 4242 },
    ...made.map((r) => ({ type: 'created' as const, at: iso(1), step: r.kind, ...r })),
    ...made.map((r) => ({ type: 'deleted' as const, at: iso(6), ...r })),
    { type: 'closed', at: iso(6), outcome: 'torn-down' },
  ];
}

/** Writes the failed run (events.jsonl, journal.jsonl, start.json) into the data folder `dataDir`, owner-only as main does. */
export function writeFailedRun(dataDir: string, startedAt: number): void {
  const dir = join(dataDir, 'runs', FAILED_RUN_ID);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lines = failedRunEvents(startedAt).map((e) => JSON.stringify(e));
  writeFileSync(join(dir, 'events.jsonl'), lines.join('\n') + '\n', { mode: 0o600 });
  const journal = failedRunJournal(startedAt).map((e) => JSON.stringify(e));
  writeFileSync(join(dir, 'journal.jsonl'), journal.join('\n') + '\n', { mode: 0o600 });
  writeFileSync(join(dir, 'start.json'), JSON.stringify({ backend: 'aws-ec2', config: failedRunConfig(dataDir) }), {
    mode: 0o600,
  });
}
