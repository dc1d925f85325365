import { beforeEach, describe, expect, it } from 'vitest';

import { fail, ok, type Result } from '../../../../../shared/ipc/result';
import type { MonitorSnapshot } from '../../../../../shared/monitor/view';
import { setApi } from '../../../bridge/api-ref';
import { useMonitor } from './monitor';

const snapshot = (seq: number): MonitorSnapshot => ({
  runId: 'r1',
  seq,
  at: 0,
  series: [],
  progress: { metrics: {} },
  log: { first: 0, lines: ['a'] },
  alerts: [],
});

/** Counts `monitor.snapshot` requests; each waits until the test answers it. */
function serve() {
  const pending: ((result: Result<MonitorSnapshot>) => void)[] = [];
  setApi({
    invoke: (() => new Promise((resolve) => pending.push(resolve))) as never,
    subscribe: () => () => {},
  });
  return pending;
}

/** Lets the store's awaited request settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  useMonitor.setState({ runId: undefined, snapshot: undefined, loading: false, error: undefined });
});

describe('monitor store', () => {
  it('loads the snapshot, folds the next delta in and appends its log lines', async () => {
    const pending = serve();
    const watching = useMonitor.getState().watch('r1');
    pending[0]?.(ok(snapshot(3)));
    await watching;
    useMonitor
      .getState()
      .applyDelta({ runId: 'r1', seq: 4, at: 1, log: { first: 1, lines: ['b'] }, progress: { step: 7, metrics: {} } });
    const view = useMonitor.getState().snapshot;
    expect([view?.seq, view?.progress.step, view?.log.length, view?.log.get(1)]).toEqual([4, 7, 2, 'b']);
    expect(pending).toHaveLength(1);
  });

  it('after a gap, deltas arriving while the snapshot reloads do not request it again', async () => {
    const pending = serve();
    const watching = useMonitor.getState().watch('r1');
    pending[0]?.(ok(snapshot(3)));
    await watching;
    for (let seq = 6; seq < 16; seq += 1) useMonitor.getState().applyDelta({ runId: 'r1', seq, at: seq });
    expect(pending).toHaveLength(2);
    pending[1]?.(ok(snapshot(15)));
    await settle();
    expect(useMonitor.getState()).toMatchObject({ loading: false, snapshot: { seq: 15 } });
    useMonitor.getState().applyDelta({ runId: 'r1', seq: 16, at: 16 });
    expect(useMonitor.getState().snapshot?.seq).toBe(16);
    expect(pending).toHaveLength(2);
  });

  it('without a snapshot, one request at a time; after a failure, deltas do not refetch (the error stays shown)', async () => {
    const pending = serve();
    void useMonitor.getState().watch('r1');
    for (let seq = 1; seq < 5; seq += 1) useMonitor.getState().applyDelta({ runId: 'r1', seq, at: seq });
    expect(pending).toHaveLength(1);
    pending[0]?.(fail({ code: 'UNAVAILABLE', message: 'down' }));
    await settle();
    for (let seq = 5; seq < 10; seq += 1) useMonitor.getState().applyDelta({ runId: 'r1', seq, at: seq });
    expect(pending).toHaveLength(1);
    expect(useMonitor.getState().error?.code).toBe('UNAVAILABLE');
  });

  it('NOT_FOUND (training has not started) is no error: the next delta loads the snapshot', async () => {
    const pending = serve();
    void useMonitor.getState().watch('r1');
    pending[0]?.(fail({ code: 'NOT_FOUND', message: 'not monitored yet' }));
    await settle();
    expect(useMonitor.getState().error).toBeUndefined();
    useMonitor.getState().applyDelta({ runId: 'r1', seq: 1, at: 1 });
    expect(pending).toHaveLength(2);
  });

  it('forgetSnapshot drops the old host’s snapshot but keeps the watched run', async () => {
    const pending = serve();
    const watching = useMonitor.getState().watch('r1');
    pending[0]?.(ok(snapshot(40)));
    await watching;
    useMonitor.getState().forgetSnapshot();
    expect(useMonitor.getState()).toMatchObject({ runId: 'r1', snapshot: undefined });
  });
});
