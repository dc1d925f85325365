import { describe, expect, it } from 'vitest';

import type { PushNowReport } from '../../../../../shared/executor/protocol';
import { fail, ok } from '../../../../../shared/ipc/result';
import { setApi } from '../../../bridge/api-ref';
import { usePushNow } from './push-now';

const REPORT: PushNowReport = {
  folders: ['checkpoints'],
  uploaded: 2,
  bytes: 10,
  skipped: [],
  failures: [],
  newestCheckpoint: { key: 'runs/r1/checkpoints/epoch-6.ckpt', at: '2026-12-05T11:59:58Z' },
};

describe('push-now store', () => {
  it('a refused push does not leave the earlier push’s result beside its refusal', async () => {
    const answers = [
      ok(REPORT),
      fail({
        code: 'PRECONDITION_FAILED',
        message: 'The push failed (exit 1): a push asked for earlier is still running (PID 4242).',
        fix: 'Wait for it to finish; the run’s events say what it moved.',
      }),
    ];
    setApi({
      invoke: (command) => {
        if (command !== 'runs.pushNow') throw new Error(`unexpected ${command}`);
        return Promise.resolve(answers.shift()) as never;
      },
      subscribe: () => () => {},
    });
    await usePushNow.getState().push('r1');
    expect(usePushNow.getState().byRun.r1).toMatchObject({
      busy: false,
      report: REPORT,
      newestAt: REPORT.newestCheckpoint!.at,
    });
    const pushing = usePushNow.getState().push('r1');
    expect(usePushNow.getState().byRun.r1?.busy).toBe(true);
    expect(usePushNow.getState().byRun.r1?.report).toBeUndefined();
    await pushing;
    const state = usePushNow.getState().byRun.r1!;
    expect(state.report).toBeUndefined();
    expect(state.error?.fix).toBe('Wait for it to finish; the run’s events say what it moved.');
    // The newest checkpoint in S3 is still what the earlier push left.
    expect(state.newestAt).toBe(REPORT.newestCheckpoint!.at);
  });
});
