import { describe, expect, it } from 'vitest';

import { EventBus } from '../core/event-bus';
import { JobRunner } from '../core/jobs';
import { silentLogger } from '../core/logger';
import { type ActiveWork, createQuitGuard, QUIT_CHOICES, type QuitChoice, quitQuestion } from './quit-guard';
import { quitWork } from './quit-work';

const RUN: ActiveWork = {
  kind: 'run',
  id: 'demo-20261205-120000-ab12',
  afterQuit: 'Run "demo": its EC2 instance keeps training and billing until … (2026-12-06 12:00 UTC).',
};

/** A fake app: records what the guard does; `answer` is what the dialog returns. */
function fakeApp(work: ActiveWork[], answer: QuitChoice | Promise<QuitChoice>) {
  const calls: string[] = [];
  let current = [...work];
  let finishStop: () => void = () => {};
  const port = {
    activeWork: () => current,
    ask: async (q: { message: string }) => {
      calls.push(`ask: ${q.message}`);
      return answer;
    },
    keepInTray: () => calls.push('tray'),
    stopAll: (progress: (line: string) => void) => {
      calls.push('stop');
      progress('stopping demo: pushing');
      return new Promise<void>((resolve) => {
        finishStop = () => {
          current = [];
          resolve();
        };
      });
    },
    progress: (line: string) => calls.push(`progress: ${line}`),
    noteLeftRunning: (left: ActiveWork[]) => calls.push(`note: ${left.map((w) => w.id).join(',')}`),
    quit: () => calls.push('quit'),
  };
  return { port, calls, finishStop: () => finishStop() };
}

const quitEvent = () => {
  const event = { prevented: false, preventDefault: () => (event.prevented = true) };
  return event;
};
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('quit guard: a quit never silently skips teardown', () => {
  it('nothing going on: the quit goes through without a question', () => {
    const app = fakeApp([], 'quit-anyway');
    const guard = createQuitGuard(app.port);
    const event = quitEvent();
    guard.beforeQuit(event);
    expect(event.prevented).toBe(false);
    expect(app.calls).toEqual([]);
  });

  it('a run going on: the quit is held and the user asked; "keep in the tray" keeps the process and asks again next time', async () => {
    const app = fakeApp([RUN], 'keep-in-tray');
    const guard = createQuitGuard(app.port);
    const event = quitEvent();
    guard.beforeQuit(event);
    expect(event.prevented).toBe(true);
    await tick();
    expect(app.calls).toEqual(['ask: TrainDeck has 1 run going on. Quit anyway?', 'tray']);
    const again = quitEvent();
    guard.beforeQuit(again);
    expect(again.prevented).toBe(true);
  });

  it('"stop, push and tear down, then quit": progress shown, quit only once the runs ended; quits asked meanwhile are held', async () => {
    const app = fakeApp([RUN], 'stop-then-quit');
    const guard = createQuitGuard(app.port);
    guard.beforeQuit(quitEvent());
    await tick();
    expect(app.calls).toContain('stop');
    expect(app.calls).toContain('progress: stopping demo: pushing');
    expect(app.calls).not.toContain('quit');
    // Cmd+Q again while stopping: held, not asked twice.
    const again = quitEvent();
    guard.beforeQuit(again);
    expect(again.prevented).toBe(true);
    expect(app.calls.filter((c) => c.startsWith('ask'))).toHaveLength(1);
    app.finishStop();
    await tick();
    expect(app.calls.at(-1)).toBe('quit');
    expect(app.calls.some((c) => c.startsWith('note'))).toBe(false);
    // The quit the guard itself asked for passes.
    const last = quitEvent();
    guard.beforeQuit(last);
    expect(last.prevented).toBe(false);
  });

  it('"quit anyway" writes down what was left for the next start, then quits', async () => {
    const app = fakeApp([RUN], 'quit-anyway');
    const guard = createQuitGuard(app.port);
    guard.beforeQuit(quitEvent());
    await tick();
    expect(app.calls).toEqual(['ask: TrainDeck has 1 run going on. Quit anyway?', `note: ${RUN.id}`, 'quit']);
    expect(guard.state).toBe('quitting');
  });

  it('a dialog that fails counts as "keep in the tray", never as a quit', async () => {
    const app = fakeApp([RUN], Promise.reject(new Error('no display')));
    const guard = createQuitGuard(app.port);
    guard.beforeQuit(quitEvent());
    await tick();
    expect(app.calls).toEqual(['ask: TrainDeck has 1 run going on. Quit anyway?', 'tray']);
  });

  it('logout or shutdown: no dialog, what goes on is written down and the quit goes through', () => {
    const app = fakeApp([RUN], 'keep-in-tray');
    const guard = createQuitGuard(app.port);
    guard.sessionEnding();
    const event = quitEvent();
    guard.beforeQuit(event);
    expect(event.prevented).toBe(false);
    expect(app.calls).toEqual([`note: ${RUN.id}`]);
  });

  it('the question names what keeps billing and until when, and its buttons are in the order of the choices', () => {
    const job: ActiveWork = { kind: 'job', id: 'j1', afterQuit: '"Kill all cost resources" stops half-way.' };
    const question = quitQuestion([RUN, job]);
    expect(question.message).toBe('TrainDeck has 1 run and 1 job going on. Quit anyway?');
    expect(question.detail).toContain(RUN.afterQuit);
    expect(question.detail).toContain(job.afterQuit);
    expect(question.buttons).toHaveLength(QUIT_CHOICES.length);
    expect(question.buttons[0]).toMatch(/tray/);
    expect(question.buttons[2]).toBe('Quit anyway');
  });
});

describe('quitWork: the runs and jobs behind the guard', () => {
  const snapshot = (backend: 'aws-ec2' | 'ssh-host') =>
    ({ runId: 'demo-20261205-120000-ab12', name: 'demo', backend, host: 'me@box:22', phases: {} }) as never;

  it('an EC2 run is named with its time-to-live; a kill-all job as stopping half-way; a sync job as unfinished', async () => {
    const jobs = new JobRunner(new EventBus(), silentLogger);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    jobs.start({ kind: 'costs.kill-all', title: 'Kill all cost resources', timeoutMs: 60_000 }, () => held);
    jobs.start({ kind: 'sync', title: 'Sync logs', timeoutMs: 60_000 }, () => held);
    const runs = {
      active: () => [{ snapshot: snapshot('aws-ec2'), until: '2026-12-06T12:00:00.000Z' }],
      cancel: () => true,
      wait: async () => snapshot('aws-ec2'),
      note: () => undefined,
    };
    const work = quitWork(runs, jobs).activeWork();
    expect(work.map((w) => w.afterQuit)).toEqual([
      expect.stringMatching(/EC2 instance keeps training and billing .* time-to-live \(2026-12-06 12:00 UTC\)/),
      expect.stringMatching(/^"Kill all cost resources" stops half-way: what it has not deleted yet keeps billing/),
      '"Sync logs" stops unfinished.',
    ]);
    release();
  });

  it('stopAll cancels the runs and waits for them, cancels other jobs, lets a kill-all finish', async () => {
    const jobs = new JobRunner(new EventBus(), silentLogger);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    jobs.start({ kind: 'costs.kill-all', title: 'Kill all cost resources', timeoutMs: 60_000 }, () => held);
    const sync = jobs.start({ kind: 'sync', title: 'Sync logs', timeoutMs: 60_000 }, () => new Promise(() => {}));
    const cancelled: string[] = [];
    let ended: () => void = () => {};
    const ending = new Promise<void>((resolve) => (ended = resolve));
    let running = true;
    const runs = {
      active: () => (running ? [{ snapshot: snapshot('ssh-host'), until: '2026-12-06T12:00:00.000Z' }] : []),
      cancel: (id: string) => (cancelled.push(id), true),
      wait: async () => (await ending, snapshot('ssh-host')),
      note: () => undefined,
    };
    const lines: string[] = [];
    let stopped = false;
    const stop = quitWork(runs, jobs)
      .stopAll((line) => lines.push(line))
      .then(() => (stopped = true));
    await tick();
    expect(cancelled).toEqual(['demo-20261205-120000-ab12']);
    expect((await sync.done).state).toBe('cancelled');
    running = false;
    ended();
    await tick();
    // The kill-all job still runs: no quit yet.
    expect(stopped).toBe(false);
    release();
    await stop;
    expect(lines[0]).toMatch(/^Stopping 1 run\(s\)/);
  });
});
