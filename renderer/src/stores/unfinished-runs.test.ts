import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { fail, ok } from '../../../shared/ipc/result';
import type { UnfinishedRun } from '../../../shared/ipc/run-commands';
import { setApi } from '../bridge/api-ref';
import { useUnfinishedRuns } from './unfinished-runs';

const run = (runId: string): UnfinishedRun => ({
  runId,
  name: runId.split('-')[0]!,
  backend: 'aws-ec2',
  startedAt: '2026-12-05T14:00:00.000Z',
  phase: 'training',
  canFollow: true,
});

const calls: Array<[string, unknown]> = [];
let listed: UnfinishedRun[] = [];
let refuse = false;

beforeEach(() => {
  calls.length = 0;
  listed = [run('a-1'), run('b-2')];
  refuse = false;
  useUnfinishedRuns.setState({ runs: [], actions: {}, loadError: undefined });
  setApi({
    invoke: (command, payload) => {
      calls.push([command, payload]);
      if (command === 'runs.unfinished') return Promise.resolve(ok(listed)) as never;
      if (command === 'runs.reattach' && !refuse) {
        // Taken over: main no longer lists it as unfinished.
        listed = listed.filter((r) => r.runId !== (payload as { runId: string }).runId);
        return Promise.resolve(ok({ runId: (payload as { runId: string }).runId })) as never;
      }
      return Promise.resolve(
        fail({ code: 'NOT_FOUND', message: 'No unfinished run a-1 to reattach.', fix: 'Check again.' }),
      ) as never;
    },
    subscribe: () => () => {},
  });
});

describe('unfinished runs store', () => {
  it('a run being reattached stays in the banner after a reload (main no longer lists it) until forgotten', async () => {
    const store = useUnfinishedRuns.getState();
    await store.load();
    await store.start('a-1', 'reattach');
    await store.start('b-2', 'teardown');
    expect(calls.filter(([c]) => c === 'runs.reattach').map(([, p]) => p)).toEqual([
      { runId: 'a-1' },
      { runId: 'b-2', stop: true },
    ]);
    // The reconnect's reload: main lists neither any more; both stay, with their actions.
    await store.load();
    expect(useUnfinishedRuns.getState().runs.map((r) => r.runId)).toEqual(['a-1', 'b-2']);
    expect(useUnfinishedRuns.getState().actions).toEqual({
      'a-1': { action: 'reattach' },
      'b-2': { action: 'teardown' },
    });
    store.forget('a-1');
    await store.load();
    expect(useUnfinishedRuns.getState().runs.map((r) => r.runId)).toEqual(['b-2']);
  });

  it('a page loaded while this TrainDeck follows a run (main lists it as taken over) shows it under way', async () => {
    listed = [{ ...run('a-1'), takenOver: 'teardown' }, run('b-2')];
    await useUnfinishedRuns.getState().load();
    expect(useUnfinishedRuns.getState().actions).toEqual({ 'a-1': { action: 'teardown' } });
  });

  it('a refused action keeps its error (sentence and fix) for the retry; main restarting drops every action', async () => {
    const store = useUnfinishedRuns.getState();
    await store.load();
    refuse = true;
    await store.start('a-1', 'reattach');
    expect(useUnfinishedRuns.getState().actions['a-1']).toEqual({
      action: 'reattach',
      error: { code: 'NOT_FOUND', message: 'No unfinished run a-1 to reattach.', fix: 'Check again.' },
    });
    store.forgetAll();
    expect(useUnfinishedRuns.getState()).toMatchObject({ runs: [], actions: {} });
    await store.load();
    expect(useUnfinishedRuns.getState().runs.map((r) => r.runId)).toEqual(['a-1', 'b-2']);
  });

  it('a list that cannot be read is kept as the error the banner shows, and cleared by the next good load', async () => {
    setApi({
      invoke: () => Promise.resolve(fail({ code: 'UNAVAILABLE', message: 'TrainDeck is still starting.' })) as never,
      subscribe: () => () => {},
    });
    await useUnfinishedRuns.getState().load();
    expect(useUnfinishedRuns.getState().loadError?.message).toBe('TrainDeck is still starting.');
    setApi({ invoke: () => Promise.resolve(ok(listed)) as never, subscribe: () => () => {} });
    await useUnfinishedRuns.getState().load();
    expect(useUnfinishedRuns.getState().loadError).toBeUndefined();
    expect(useUnfinishedRuns.getState().runs).toHaveLength(2);
  });

  // A run's prices still being read when main answered (its wait is bounded): the banner asks again
  // until they come, and a bounded number of times (main's read itself gives up within a minute).
  describe('prices still being read', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => {
      useUnfinishedRuns.getState().forgetAll();
      vi.useRealTimers();
    });
    const pending = (r: UnfinishedRun): UnfinishedRun => ({
      ...r,
      billing: { hourlyUsd: null, pending: true, region: 'eu-west-1', market: 'spot' },
    });
    const asks = () => calls.filter(([c]) => c === 'runs.unfinished').length;

    it('asks again until the figure comes, then stops asking', async () => {
      listed = [pending(run('a-1')), run('b-2')];
      await useUnfinishedRuns.getState().load();
      expect(asks()).toBe(1);
      await vi.advanceTimersByTimeAsync(4_000);
      expect(asks()).toBe(2);
      listed = [{ ...run('a-1'), billing: { hourlyUsd: 0.42, region: 'eu-west-1', market: 'spot' } }, run('b-2')];
      await vi.advanceTimersByTimeAsync(4_000);
      expect(asks()).toBe(3);
      expect(useUnfinishedRuns.getState().runs[0]!.billing?.hourlyUsd).toBe(0.42);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(asks()).toBe(3);
    });

    it('never asks more than 15 times for prices that never come', async () => {
      listed = [pending(run('a-1'))];
      await useUnfinishedRuns.getState().load();
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(asks()).toBe(16);
      expect(useUnfinishedRuns.getState().runs[0]!.billing?.pending).toBe(true);
    });
  });
});
