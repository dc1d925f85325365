import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../../shared/domain/run';
import type { JournalEntry } from '../../../shared/domain/run-journal';
import { workLayout } from '../../executor/work-layout';
import { runDir } from '../../lifecycle/journal/run-journal';
import type { AwsMachine } from '../pipeline/compute-backend';
import { appendAttach } from './attach-journal';
import { finishExecutor, reattachingService } from './testing/reattach-fixture';
import { spotMachine } from './testing/unfinished-run';

// Invariant: a spot-relaunched run whose desktop is killed during a later attempt is found at the
// next start (its run journal, closed by the interrupted attempt's teardown, was opened again by the
// relaunch's launch), and a reattach follows that attempt's executor from the start of its files:
// never the interrupted attempt's executor pid (on a fresh machine that pid is someone else's) nor
// the offsets it had reached in the interrupted attempt's files.

const RUN = 'relaunched-20261206-030000-cd34';
const storage = { bucket: 'td-data', prefix: 'runs/demo', region: 'eu-west-1', folders: [] };
const at = '2026-12-06T03:00:00.000Z';
const machineOf = (instanceId: string, zone: string) => spotMachine(instanceId, zone, at);

let dir: string;
const processes: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-reattach-relaunched-'));
});
afterEach(async () => {
  processes.splice(0).forEach((p) => p.kill('SIGKILL'));
  await rm(dir, { recursive: true, force: true });
});

const sleeper = () => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  processes.push(child);
  return child;
};

// The run journal of attempt 1 (launched, interrupted, torn down: closed) and attempt 2 (launched again).
function relaunchedJournal(): JournalEntry[] {
  const opened = (zone: string): JournalEntry => ({
    type: 'opened',
    at,
    runId: RUN,
    region: 'eu-west-1',
    instanceType: 'g5.xlarge',
    zone,
    pid: 999_999_999,
  });
  return [
    opened('eu-west-1a'),
    { type: 'intent', at, step: 'instance', kind: 'instance', name: RUN },
    { type: 'created', at, step: 'instance', kind: 'instance', id: 'i-0attempt1' },
    { type: 'deleted', at, kind: 'instance', id: 'i-0attempt1' },
    { type: 'closed', at, outcome: 'torn-down' },
    { type: 'relaunch', at, attempt: 2, market: 'spot', reason: 'spot relaunch 1 of 2' },
    opened('eu-west-1b'),
    { type: 'intent', at, step: 'instance', kind: 'instance', name: RUN },
    { type: 'created', at, step: 'instance', kind: 'instance', id: 'i-0attempt2' },
  ];
}

/**
 * A relaunched run killed while attempt 2 bootstrapped: attempt 2's executor runs (its pid file is
 * written) but the desktop died before journaling it. The attach journal still holds attempt 1's
 * executor (a pid alive on this computer, as a reused pid would be) and its offsets, far past the
 * end of attempt 2's files.
 */
function seedRelaunchedRun(): { layout: ReturnType<typeof workLayout>; attempt2: ChildProcess } {
  const layout = workLayout(join(dir, 'work'), { storage, runId: RUN });
  mkdirSync(layout.logsDir, { recursive: true });
  writeFileSync(layout.eventsFile, JSON.stringify({ seq: 1, at, phase: 'training', status: 'started' }) + '\n');
  writeFileSync(layout.trainLog, 'attempt 2 step 1 loss 0.4\n');
  const attempt2 = sleeper();
  writeFileSync(layout.pidFile, `${attempt2.pid}\n`);
  const folder = runDir(dir, RUN);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'journal.jsonl'),
    relaunchedJournal()
      .map((e) => JSON.stringify(e) + '\n')
      .join(''),
  );
  const events: Array<Partial<RunEvent>> = [
    { type: 'started', name: 'demo', backend: 'aws-ec2' },
    { type: 'phase', phase: 'preflight', status: 'succeeded' },
    { type: 'phase', phase: 'training', status: 'running' },
  ];
  writeFileSync(
    join(folder, 'events.jsonl'),
    events.map((e, i) => JSON.stringify({ ...e, runId: RUN, seq: i + 1, at }) + '\n').join(''),
  );
  appendAttach(folder, {
    type: 'run',
    pid: 999_999_999,
    backend: 'aws-ec2',
    name: 'demo',
    aws: { region: 'eu-west-1' },
    storage: { bucket: 'td-data', prefix: 'runs/demo', sseKeyFile: 'k' } as never,
    baseDir: dir,
  });
  const machine = (aws: AwsMachine) =>
    appendAttach(folder, {
      type: 'machine',
      target: { kind: 'local' },
      workDir: layout.workDir,
      storage,
      sendS3Credentials: false,
      deadline: Date.now() + 15_000,
      aws,
    });
  machine(machineOf('i-0attempt1', 'eu-west-1a'));
  appendAttach(folder, { type: 'executor', pid: sleeper().pid! });
  appendAttach(folder, { type: 'offsets', events: 10_000, train: 20, sync: 5_000 });
  machine(machineOf('i-0attempt2', 'eu-west-1b'));
  return { layout, attempt2 };
}

describe('reattach after a spot relaunch', () => {
  it('a relaunched run killed in its second attempt is unfinished (its journal was opened again)', () => {
    seedRelaunchedRun();
    expect(reattachingService(dir).unfinished()).toEqual([expect.objectContaining({ runId: RUN, canFollow: true })]);
  });

  it('follows the second attempt’s executor from the start of its files, not the first attempt’s pid and offsets', async () => {
    const { layout, attempt2 } = seedRelaunchedRun();
    const runs = reattachingService(dir);
    runs.reattach(RUN);
    // Attempt 2's executor ends its training, then exits.
    finishExecutor(layout, RUN, 2);
    attempt2.kill('SIGTERM');
    const final = await runs.wait(RUN);
    expect(final.logTail.join('\n')).toContain(`reattached to the executor (pid ${attempt2.pid})`);
    expect(final.state).toBe('succeeded');
  }, 30_000);
});
