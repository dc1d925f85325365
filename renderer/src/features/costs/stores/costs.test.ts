import { describe, expect, it } from 'vitest';

import type { KillAllResult } from '../../../../../shared/domain/kill-all';
import { ok } from '../../../../../shared/ipc/result';
import { setApi } from '../../../bridge/api-ref';
import { useCosts } from './costs';

describe('costs store: a kill-all whose events arrive before its job id', () => {
  it('keeps the per-resource progress and the verdict that came before the answer to costs.killAll', async () => {
    const rescan = {
      scannedAt: '',
      regions: [],
      resources: [],
      totalHourlyUsd: 0,
      unpricedCount: 0,
      priceTableDate: '',
    };
    const result = {
      deleted: 1,
      survivors: [],
      unverifiedRegions: [],
      remainingHourlyUsd: 0,
      rescan,
    } as unknown as KillAllResult;
    setApi({
      invoke: (command) => {
        if (command !== 'costs.killAll') throw new Error(`unexpected ${command}`);
        // Main deleted and finished before its answer reached the page (a fast account, a busy page).
        useCosts.getState().applyDeletion({ jobId: 'job-1', resourceId: 'i-1', state: 'deleted' } as never);
        useCosts.getState().applyDeletion({ jobId: 'job-0', resourceId: 'i-9', state: 'deleted' } as never);
        useCosts.getState().applyJobEvent({ type: 'succeeded', jobId: 'job-1', result } as never);
        return Promise.resolve(ok({ jobId: 'job-1' })) as never;
      },
      subscribe: () => () => {},
    });
    expect(await useCosts.getState().startKillAll({ resourceIds: ['i-1'], includeUntracked: false })).toBe(true);
    expect(useCosts.getState().deletions).toEqual({ 'i-1': { state: 'deleted' } });
    expect(useCosts.getState().killResult).toBe(result);
    expect(useCosts.getState().scan).toBe(rescan);
  });
});

describe("costs store: what the running deletion was asked as (the card's words)", () => {
  it('"Tear down run" is that run\'s teardown, a row\'s Delete is rows, the kill-all button the kill-all', async () => {
    const sent: unknown[] = [];
    setApi({
      invoke: (command, request) => {
        if (command === 'costs.killAll') sent.push((request as { scope?: unknown }).scope);
        return Promise.resolve(ok({ jobId: 'job-2' })) as never;
      },
      subscribe: () => () => {},
    });
    await useCosts.getState().startTeardownRun('run-a', ['i-1']);
    expect(useCosts.getState().killScope).toEqual({ kind: 'run', runId: 'run-a' });
    await useCosts
      .getState()
      .startKillAll({ resourceIds: ['vol-1'], includeUntracked: false }, { kind: 'rows', count: 1 });
    expect(useCosts.getState().killScope).toEqual({ kind: 'rows', count: 1 });
    await useCosts.getState().startKillAll({ resourceIds: ['vol-1', 'i-1'], includeUntracked: false });
    expect(useCosts.getState().killScope).toEqual({ kind: 'kill-all' });
    // Main is told which button asked: a row's Delete stops only its own run, "Kill all" every live EC2 run.
    expect(sent).toEqual(['rows', 'kill-all']);
  });
});
