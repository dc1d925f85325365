import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { RemoteHost } from '../../host/remote-host';
import type { FollowState } from './follow-to-end';
import { createPhaseRunner, PhaseFailure, type RunEventBody } from './phase-tracker';
import { resultOf, RunStopRequest, runToEnd } from './run-ending';

function world(options: { rescue?: boolean; status?: boolean; releaseFails?: boolean; rescueFails?: boolean } = {}) {
  const events: RunEventBody[] = [];
  const calls: string[] = [];
  const phases = createPhaseRunner((event) => events.push(event));
  const host = { close: async () => void calls.push('close') } as unknown as RemoteHost;
  const state: FollowState = {
    current: 'training',
    host,
    ...(options.rescue
      ? {
          rescuePush: async () => {
            calls.push('rescue');
            if (options.rescueFails) throw new Error('S3 unreachable');
            return { manifest: [1, 2] };
          },
        }
      : {}),
  };
  const controller = new AbortController();
  const ending = {
    runId: 'r1',
    phases,
    state,
    emit: (event: RunEventBody) => events.push(event),
    signal: controller.signal,
    observer: {
      trainingStarted: () => {},
      reconnected: () => {},
      ended: async () => void calls.push('ended'),
    },
    release: async () => {
      calls.push('release');
      if (options.releaseFails) throw new Error('EC2 said no');
      return { deleted: 1 };
    },
  };
  if (options.status) {
    state.status = {
      runId: 'r1',
      outcome: 'succeeded',
      exitCode: 0,
      timings: {},
      pushed: true,
      manifest: [],
      prefixes: [],
      finishedAt: '',
    };
  }
  const phase = (name: string) => events.filter((e) => e.type === 'phase' && e.phase === name).map((e) => e);
  return { events, calls, phases, state, ending, controller, phase };
}

describe('runToEnd: the one ending of a fresh and a reattached run', () => {
  it('a PhaseFailure thrown outside a phase runner (no status.json) fails the run, not "succeeded"', async () => {
    // runPipeline used to drop this one (only resumeRun recorded it): the run ended "succeeded" with no status.
    const w = world({ rescue: true });
    const result = await runToEnd(async () => {
      throw new PhaseFailure('pushing', 'the executor ended without writing status.json');
    }, w.ending);
    expect(result).toMatchObject({
      outcome: 'failed',
      reason: 'pushing: the executor ended without writing status.json',
    });
    expect(w.calls).toEqual(['rescue', 'ended', 'close', 'release']);
  });

  it('an unexpected error fails the current phase, rescue-pushes, stops the monitor, closes and tears down', async () => {
    const w = world({ rescue: true });
    const result = await runToEnd(async () => {
      throw new Error('link gone\nstack noise');
    }, w.ending);
    expect(result.outcome).toBe('failed');
    expect(w.phase('training')).toEqual([
      expect.objectContaining({ status: 'failed', reason: 'link gone\nstack noise' }),
    ]);
    expect(w.phase('pushing').at(-1)).toMatchObject({ status: 'succeeded', detail: { files: 2, rescue: true } });
    expect(w.phase('tearing-down').at(-1)).toMatchObject({ status: 'succeeded', detail: { deleted: 1 } });
  });

  it('a phase that failed already keeps its own reason (the first failure wins)', async () => {
    const w = world();
    const result = await runToEnd(async () => {
      await w.phases.run('connecting', async () => {
        throw new Error('host key changed');
      });
    }, w.ending);
    expect(result.reason).toBe('connecting: host key changed');
    expect(w.phase('connecting').filter((e) => e.type === 'phase' && e.status === 'failed')).toHaveLength(1);
  });

  it('no teardown when the ending says nothing was created', async () => {
    const w = world();
    await runToEnd(async () => {}, { ...w.ending, needsTeardown: () => false });
    expect(w.calls).toEqual(['ended', 'close']);
  });

  it('settles on every path: whatever fails, the host closes once, the monitor ends once, teardown is tried once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          throws: fc.constantFrom('none', 'error', 'phase-failure', 'phase-run'),
          rescue: fc.boolean(),
          status: fc.boolean(),
          releaseFails: fc.boolean(),
          rescueFails: fc.boolean(),
          cancelled: fc.boolean(),
        }),
        async (c) => {
          const w = world(c);
          if (c.cancelled) w.controller.abort();
          const result = await runToEnd(async () => {
            if (c.throws === 'error') throw new Error('boom');
            if (c.throws === 'phase-failure') throw new PhaseFailure('pushing', 'no status');
            if (c.throws === 'phase-run') {
              await w.phases.run('verifying-sync', async () => {
                throw new Error('mismatch');
              });
            }
          }, w.ending);
          expect(w.calls.filter((x) => x === 'close')).toHaveLength(1);
          expect(w.calls.filter((x) => x === 'ended')).toHaveLength(1);
          expect(w.calls.filter((x) => x === 'release')).toHaveLength(1);
          // The desktop pushes only for an executor that did not finish, and only after a failure.
          expect(w.calls.includes('rescue')).toBe(c.throws !== 'none' && c.rescue && !c.status);
          const failed = c.throws !== 'none' || c.releaseFails;
          expect(result.outcome).toBe(c.cancelled ? 'cancelled' : failed ? 'failed' : 'succeeded');
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('resultOf: a stop says who asked for it', () => {
  const status = { runId: 'r', outcome: 'cancelled', exitCode: 143 } as never;

  it('the monitor’s stop (budget, stall, NaN loss) is the outcome’s reason; the user’s cancel stays "by request"', () => {
    const budget = new RunStopRequest('budget', 'stopped by the budget: $9.80 of $10.00');
    expect(resultOf(status, undefined, true, budget)).toMatchObject({
      outcome: 'cancelled',
      reason: 'stopped by the budget: $9.80 of $10.00; data pushed',
      exitCode: 143,
    });
    expect(resultOf(status, undefined, true, new Error('cancelled by the user')).reason).toBe(
      'stopped by request; data pushed',
    );
    expect(resultOf(status, undefined, true).reason).toBe('stopped by request; data pushed');
  });
});
