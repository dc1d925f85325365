import { describe, expect, it } from 'vitest';

import { workLayout } from '../../executor/work-layout';
import { ConnectionLost, type HostConnector, type RemoteHost } from '../../host/remote-host';
import { followExecutor, type FollowOffsets, type FollowOptions } from './follow-executor';
import { Waker } from './waker';

const layout = workLayout('/work/run', { storage: { folders: [{ name: 'logs', local: 'logs' }] } } as never);

/**
 * An in-memory machine whose executor keeps writing while the link is down: `down` makes every
 * call on a connected host fail as a dropped link and every connect fail; `stall` makes the
 * liveness probe time out as a half-dead socket after sleep does.
 */
function fakeMachine() {
  const files = new Map<string, string>();
  const state = { down: false, stall: false, connects: 0 };
  const append = (path: string, text: string) => files.set(path, (files.get(path) ?? '') + text);
  const host = (): RemoteHost => {
    let closed = false;
    const guard = () => {
      if (state.down || closed) throw new ConnectionLost('SSH connection lost: closed');
    };
    return {
      async exec() {
        guard();
        if (state.stall) throw new Error('remote command timed out after 30 s');
        return { code: 0, stdout: 'alive\n', stderr: '' };
      },
      async writeFile() {
        guard();
      },
      async read(path, offset, maxBytes) {
        guard();
        const text = files.get(path);
        return text === undefined ? undefined : Buffer.from(text).subarray(offset, offset + maxBytes);
      },
      async close() {
        closed = true;
      },
    };
  };
  const connector: HostConnector = {
    label: 'fake@machine:22',
    async connect() {
      state.connects += 1;
      if (state.down) throw new Error('connect ECONNREFUSED');
      return host();
    },
  };
  const event = (phase: string, status: string) => append(layout.eventsFile, JSON.stringify({ phase, status }) + '\n');
  return { files, state, append, host, connector, event };
}

function follow(machine: ReturnType<typeof fakeMachine>, overrides: Partial<FollowOptions> = {}) {
  const info: string[] = [];
  const train: string[] = [];
  const phases: string[] = [];
  // Events and training lines in the order they were handed out.
  const order: string[] = [];
  const done = followExecutor(
    {
      layout,
      connector: machine.connector,
      host: machine.host(),
      pollMs: 5,
      deadline: Date.now() + 60_000,
      now: Date.now,
      signal: new AbortController().signal,
      onCancel: async () => undefined,
      pid: 42,
      reconnect: { fastRounds: 2, fastPauseMs: 1, slowPauseMs: 5 },
      ...overrides,
    },
    {
      onExecutorEvent: (e) => {
        phases.push(`${e.phase}:${e.status}`);
        order.push(`${e.phase}:${e.status}`);
      },
      onTrainLine: (line) => {
        train.push(line);
        order.push(line);
      },
      onInfo: (line) => info.push(line),
    },
  );
  return { done, info, train, phases, order };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
};

describe('followExecutor: a lost connection never fails a run that still trains', () => {
  it('after the fast rounds it backs off to a slow retry and carries on when the link returns, every line once', async () => {
    const m = fakeMachine();
    m.event('training', 'started');
    m.append(layout.trainLog, 'line 1\n');
    const f = follow(m);
    await until(() => f.train.length === 1);
    m.state.down = true;
    m.append(layout.trainLog, 'line 2\n');
    // Down for longer than the fast rounds: the follower must go slow, not give up.
    await until(() => f.info.some((line) => line.startsWith('connection lost, retrying every')));
    m.append(layout.trainLog, 'line 3\n');
    m.state.down = false;
    await until(() => f.train.length === 3);
    m.event('training', 'succeeded');
    m.event('done', 'succeeded');
    await f.done;
    expect(f.train).toEqual(['line 1', 'line 2', 'line 3']);
    expect(f.phases).toEqual(['training:started', 'training:succeeded', 'done:succeeded']);
    expect(f.info.some((line) => line.startsWith('still cannot reach fake@machine:22 (attempt round 1)'))).toBe(true);
    expect(f.info).toContain('reconnected; resuming at byte 7 of train.log');
  });

  it('wake() (retry now, resume from sleep, network back) reconnects at once instead of waiting out the slow pause', async () => {
    const m = fakeMachine();
    m.event('training', 'started');
    const waker = new Waker();
    // A pause of an hour: only the wake can bring the follower back within the test's time.
    const f = follow(m, { waker, reconnect: { fastRounds: 1, fastPauseMs: 1, slowPauseMs: 3_600_000 } });
    await until(() => f.phases.length === 1);
    m.state.down = true;
    await until(() => f.info.some((line) => line.startsWith('connection lost, retrying every 3600 s')));
    m.state.down = false;
    const before = m.state.connects;
    waker.wake();
    await until(() => f.info.includes('retrying fake@machine:22 now'));
    await until(() => m.state.connects > before);
    m.event('done', 'succeeded');
    await f.done;
    expect(f.info.at(-1)).toMatch(/^reconnected/);
  });

  it('a liveness probe that times out (a link that died during sleep) reconnects instead of failing the run', async () => {
    const m = fakeMachine();
    m.event('training', 'started');
    const waker = new Waker();
    const f = follow(m, { waker, livenessEvery: 1_000_000 });
    await until(() => f.phases.length === 1);
    m.state.stall = true;
    // The wake makes the follower probe at once; the probe stalls.
    waker.wake();
    await until(() => f.info.some((line) => line.includes('no answer to a liveness check')));
    m.state.stall = false;
    m.event('done', 'succeeded');
    await f.done;
    expect(f.info.some((line) => line.startsWith('reconnected'))).toBe(true);
  });

  it('only a passed deadline ends the retry, with a sentence that says the time-to-live stopped the machine', async () => {
    const m = fakeMachine();
    m.state.down = true;
    const f = follow(m, { deadline: Date.now() + 200 });
    await expect(f.done).rejects.toThrow(/cannot reach fake@machine:22 and the run's time limit has passed/);
    expect(f.info.some((line) => line.startsWith('connection lost, retrying every'))).toBe(true);
  });

  it('resumes at the given offsets and reports offsets only after the lines before them were handed out', async () => {
    const m = fakeMachine();
    m.event('training', 'started');
    m.append(layout.trainLog, 'old 1\nold 2\n');
    const start = { events: m.files.get(layout.eventsFile)!.length, train: 12, sync: 0 };
    m.event('training', 'succeeded');
    m.append(layout.trainLog, 'new 3\n');
    m.event('done', 'succeeded');
    const offsets: FollowOffsets[] = [];
    const f = follow(m, { start, onOffsets: (o) => offsets.push(o) });
    await f.done;
    expect(f.train).toEqual(['new 3']);
    expect(f.phases).toEqual(['training:succeeded', 'done:succeeded']);
    expect(offsets.at(-1)).toEqual({ events: m.files.get(layout.eventsFile)!.length, train: 18, sync: 0 });
  });
});

describe('followExecutor: the training’s last lines come before its end', () => {
  it('lines written before "training succeeded" are handed out before it (and before pushing), in one poll', async () => {
    const m = fakeMachine();
    // Everything lands between two polls: the last lines, the training's end, the push and done.
    m.event('training', 'started');
    m.append(layout.trainLog, 'epoch 3/3 loss=0.1\nsaved model\n');
    m.event('training', 'succeeded');
    m.event('pushing', 'started');
    m.event('pushing', 'succeeded');
    m.event('done', 'succeeded');
    const f = follow(m);
    await f.done;
    expect(f.order).toEqual([
      'training:started',
      'epoch 3/3 loss=0.1',
      'saved model',
      'training:succeeded',
      'pushing:started',
      'pushing:succeeded',
      'done:succeeded',
    ]);
  });
});
