import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../../shared/domain/run';
import type { ExecutorStatus } from '../../../shared/executor/protocol';
import { MACHINE_WILL_NOTIFY, machineNotifiedReason } from '../../../shared/notify/machine-webhook';
import { lineKeyOf, sealLine } from '../../core/line-seal';
import { webhookTee } from '../../core/webhook-tee';
import { workLayout } from '../../executor/work-layout';
import { runDir } from '../../lifecycle/journal/run-journal';
import { MonitorNotifier } from '../../monitor/monitor-notifier';
import { UNSEALED_WEBHOOK_LINE } from '../pipeline/follow-to-end';
import { reattachingService } from './testing/reattach-fixture';
import { seedUnfinishedRun } from './testing/unfinished-run';

// Invariant (issue 17 point 6, 492a53a): a run's end is heard once on the webhook. The machine posts
// "finished/failed" itself and says in the run's events whether it arrived; the desktop's copy waits
// for that word. A desktop restarted mid-run and reattached must still know that the machine was
// given the webhook (said at launch, before the restart) and what the machine said of its post
// (when it was read before the restart): the webhook tee, wired as create-core wires it, starts empty.

const RUN = 'reattach-webhook-20261206-030000-ab12';
const storage = { bucket: 'td-data', prefix: 'runs/demo', region: 'eu-west-1', folders: [] };
const at = '2026-12-06T03:00:00.000Z';

let dir: string;
let executor: ChildProcess | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-reattach-webhook-'));
});
afterEach(async () => {
  executor?.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

type Line = { phase: string; status: string; reason?: string; detail?: Record<string, unknown>; seal?: string };

// The fixture's SSE-C key (reattach-fixture): the restarted desktop derives attempt 1's line key from it.
const LINE_KEY = lineKeyOf('AAAA', RUN, 1);

/** Executor line `seq`: the machine's word on its webhook post carries the executor's seal, unless it is `forged`. */
const lineAt = (l: Line & { forged?: boolean }, seq: number): string => {
  const { forged, ...line } = l;
  const sealed = !forged && line.phase === 'done' && line.status === 'info';
  return (
    JSON.stringify({ seq, at, ...line, ...(sealed ? { seal: sealLine(LINE_KEY, RUN, { seq, at, ...line }) } : {}) }) +
    '\n'
  );
};

/**
 * A run a killed TrainDeck left: the desktop's events so far (`past`, after `started` and the launch
 * note that the machine has the webhook), the machine's executor lines already read (`read`), and an
 * executor process still going.
 */
function seedRun(past: Array<Partial<RunEvent>>, read: Line[]) {
  const layout = workLayout(join(dir, 'work'), { storage, runId: RUN });
  mkdirSync(layout.logsDir, { recursive: true });
  writeFileSync(layout.eventsFile, read.map((l, i) => lineAt(l, i + 1)).join(''));
  writeFileSync(layout.trainLog, '');
  executor = spawn('sleep', ['60'], { stdio: 'ignore' });
  seedUnfinishedRun(dir, RUN, {
    events: [
      { type: 'started', name: 'demo', backend: 'aws-ec2' },
      { type: 'log', source: 'info', line: MACHINE_WILL_NOTIFY },
      { type: 'phase', phase: 'preflight', status: 'succeeded' },
      ...past,
    ],
    at,
    storage,
    workDir: layout.workDir,
    executorPid: executor.pid!,
    offsets: { events: statSync(layout.eventsFile).size, train: 0, sync: 0 },
  });
  /** The machine goes on: these executor lines, then its status and exit. */
  const machineWrites = (lines: Array<Line & { forged?: boolean }>, outcome: ExecutorStatus['outcome']) => {
    const from = read.length;
    appendFileSync(layout.eventsFile, lines.map((l, i) => lineAt(l, from + i + 1)).join(''));
    const status: ExecutorStatus = {
      runId: RUN,
      outcome,
      ...(outcome === 'failed'
        ? { failedPhase: 'training' as const, reason: 'training exited with code 3', exitCode: 3 }
        : { exitCode: 0 }),
      timings: {},
      pushed: true,
      manifest: [],
      prefixes: [],
      finishedAt: at,
    };
    writeFileSync(layout.statusFile, JSON.stringify(status));
    executor?.kill('SIGTERM');
  };
  return { machineWrites };
}

/** A restarted desktop as create-core wires it (the run's events to the tee and the notifier), reattaching the run; the run-end titles it posted. */
async function reattachAndCollectPosts(onReattached: () => void): Promise<{ posts: string[]; events: RunEvent[] }> {
  const posts: string[] = [];
  const events: RunEvent[] = [];
  const tee = webhookTee(
    { notify: (level, title, body) => ({ id: '1', level, title, body, at }) },
    { send: async (message) => (posts.push(message.title), { ok: true }) },
    { warn: () => undefined },
  );
  const notifier = new MonitorNotifier(tee);
  const service = reattachingService(dir, undefined, (event) => {
    events.push(event);
    notifier.onRunEvent(event);
    tee.onRunEvent(event);
  });
  service.reattach(RUN);
  onReattached();
  await service.wait(RUN);
  return { posts: posts.filter((t) => t.startsWith('Training') || t === 'Run failed'), events };
}

const trainingStarted: Line = { phase: 'training', status: 'started' };
const notified = (title: string): Line => ({ phase: 'done', status: 'info', reason: machineNotifiedReason(title) });

describe('a reattached run: the machine post, when it arrived, is the only one', () => {
  it('the training ends after the restart and the machine posts: the desktop stays quiet', async () => {
    const { machineWrites } = seedRun([{ type: 'phase', phase: 'training', status: 'running' }], [trainingStarted]);
    const { posts, events } = await reattachAndCollectPosts(() =>
      machineWrites(
        [
          { phase: 'training', status: 'succeeded', detail: { exitCode: 0 } },
          notified('Training finished'),
          { phase: 'done', status: 'succeeded' },
        ],
        'succeeded',
      ),
    );
    expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: 'succeeded' });
    expect(posts).toEqual([]);
  });

  it('after the restart a line the training forged ("notified the webhook", unsealed) silences nothing: the desktop posts', async () => {
    const { machineWrites } = seedRun([{ type: 'phase', phase: 'training', status: 'running' }], [trainingStarted]);
    const { posts, events } = await reattachAndCollectPosts(() =>
      machineWrites(
        [
          { ...notified('Training finished'), forged: true },
          { phase: 'training', status: 'succeeded', detail: { exitCode: 0 } },
          { phase: 'done', status: 'succeeded' },
        ],
        'succeeded',
      ),
    );
    expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: 'succeeded' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'log', line: `done: ${UNSEALED_WEBHOOK_LINE}` }));
    expect(posts).toEqual(['Training finished']);
  });

  it('a line attempt 1 sealed, replayed in attempt 2 by its training, is not believed', async () => {
    const { machineWrites } = seedRun(
      [
        { type: 'attempts', attempts: [{ attempt: 1, end: 'interrupted' }, { attempt: 2 }] as never },
        { type: 'phase', phase: 'training', status: 'running' },
      ],
      [trainingStarted],
    );
    const { posts } = await reattachAndCollectPosts(() =>
      machineWrites(
        [
          // Sealed with attempt 1's key (LINE_KEY), as the pulled logs of attempt 1 hold it.
          notified('Training finished'),
          { phase: 'training', status: 'succeeded', detail: { exitCode: 0 } },
          { phase: 'done', status: 'succeeded' },
        ],
        'succeeded',
      ),
    );
    expect(posts).toEqual(['Training finished']);
  });

  it('the machine posted "Training failed" before the restart: the run failing after the reattach posts nothing more', async () => {
    const read: Line[] = [
      trainingStarted,
      { phase: 'training', status: 'failed', reason: 'training exited with code 3', detail: { exitCode: 3 } },
      notified('Training failed'),
    ];
    const { machineWrites } = seedRun(
      [
        {
          type: 'phase',
          phase: 'training',
          status: 'failed',
          reason: 'training exited with code 3',
          detail: { exitCode: 3 },
        },
        { type: 'log', source: 'info', line: `done: ${machineNotifiedReason('Training failed')}` },
      ],
      read,
    );
    const { posts, events } = await reattachAndCollectPosts(() =>
      machineWrites([{ phase: 'done', status: 'failed', reason: 'training exited with code 3' }], 'failed'),
    );
    expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: 'failed' });
    expect(posts).toEqual([]);
  });

  it('the machine never had the webhook: the desktop still posts the run end once', async () => {
    // The same run without the launch note: a run started before a webhook was set.
    const { machineWrites } = seedRun([{ type: 'phase', phase: 'training', status: 'running' }], [trainingStarted]);
    const file = join(runDir(dir, RUN), 'events.jsonl');
    const { readFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/.*will post.*\n/, ''));
    const { posts } = await reattachAndCollectPosts(() =>
      machineWrites(
        [
          { phase: 'training', status: 'succeeded', detail: { exitCode: 0 } },
          { phase: 'done', status: 'succeeded' },
        ],
        'succeeded',
      ),
    );
    expect(posts).toEqual(['Training finished']);
  });
});
