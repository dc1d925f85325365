import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';

import { emptyRunSnapshot, type RunSnapshot } from '../../../../../shared/domain/run';
import { fail, ok } from '../../../../../shared/ipc/result';
import type { UnfinishedBilling, UnfinishedRun } from '../../../../../shared/ipc/run-commands';
import { provisioningBurn } from '../../../../../shared/monitor/burn';
import { setApi } from '../../../bridge/api-ref';
import { formatHourly } from '../../../format/money';
import { EU_WEST_1_PRICES } from '../../../testing/region-prices';
import { runningLabel, runningSummary, shownRunIds, useRuns } from './runs';

/** A run started `minute` minutes after 15:00, in `state`. */
function run(id: string, minute: number, state: RunSnapshot['state'], backend: RunSnapshot['backend'] = 'aws-ec2') {
  const start = new Date(Date.UTC(2026, 11, 5, 15, minute)).toISOString();
  return { ...emptyRunSnapshot(id, id, backend, start), state };
}
const NOW = Date.UTC(2026, 11, 5, 16, 0);
const byId = (...runs: RunSnapshot[]) => Object.fromEntries(runs.map((r) => [r.runId, r]));

describe('which runs the Runs page shows', () => {
  const live = run('live', 30, 'running');
  const old = run('old', 10, 'succeeded');
  const older = run('older', 0, 'failed');

  it('a finished run picked in History opens beside the live run, never instead of it', () => {
    expect(shownRunIds(byId(live, old, older), undefined, 'old')).toEqual({ monitor: 'live', history: 'old' });
    expect(shownRunIds(byId(live, old, older), undefined, undefined)).toEqual({ monitor: 'live', history: undefined });
  });

  it('nothing live: the picked run, else the newest, in the monitor card', () => {
    expect(shownRunIds(byId(old, older), undefined, 'older')).toEqual({ monitor: 'older', history: undefined });
    expect(shownRunIds(byId(old, older), undefined, undefined)).toEqual({ monitor: 'old', history: undefined });
    expect(shownRunIds(byId(old, older), undefined, 'gone')).toEqual({ monitor: 'old', history: undefined });
    expect(shownRunIds({}, undefined, undefined)).toEqual({ monitor: undefined, history: undefined });
  });

  it('a run picked while it ran stays in the monitor to its end, even when another one runs meanwhile', () => {
    const second = run('second', 40, 'running');
    expect(shownRunIds(byId(live, second, old), 'live', undefined)).toEqual({ monitor: 'live', history: undefined });
    expect(shownRunIds(byId(live, second, old), undefined, undefined)).toEqual({
      monitor: 'second',
      history: undefined,
    });
    const ended = { ...live, state: 'succeeded' as const };
    expect(shownRunIds(byId(ended, second, old), 'live', 'old')).toEqual({ monitor: 'live', history: 'old' });
  });

  it('select: a running run (or one about to appear) is watched; a finished one opens beside the live run', () => {
    useRuns.setState({ runs: byId(live, old), watched: undefined, selected: undefined });
    useRuns.getState().select('old');
    expect(useRuns.getState()).toMatchObject({ watched: undefined, selected: 'old' });
    useRuns.getState().select('live');
    expect(useRuns.getState()).toMatchObject({ watched: 'live', selected: undefined });
    useRuns.getState().select('retried-run-not-listed-yet');
    expect(useRuns.getState()).toMatchObject({ watched: 'retried-run-not-listed-yet', selected: undefined });
    useRuns.getState().select('old');
    useRuns.getState().showLive();
    expect(useRuns.getState()).toMatchObject({ watched: undefined, selected: undefined });
  });

  it('property: nothing watched, a running run is always in the monitor card; the two cards never show one run', () => {
    const states = fc.constantFrom<RunSnapshot['state']>('running', 'succeeded', 'failed', 'cancelled');
    const pick = fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined });
    fc.assert(
      fc.property(fc.array(states, { maxLength: 6 }), pick, pick, (list, watched, selected) => {
        const runs = byId(...list.map((state, i) => run(`r${i}`, i, state)));
        const shown = shownRunIds(
          runs,
          watched === undefined ? undefined : `r${watched}`,
          selected === undefined ? undefined : `r${selected}`,
        );
        const watchedRun = watched === undefined ? undefined : runs[`r${watched}`];
        if (list.includes('running') && !watchedRun) expect(runs[shown.monitor!]?.state).toBe('running');
        if (watchedRun) expect(shown.monitor).toBe(watchedRun.runId);
        if (shown.history) expect(shown.history).not.toBe(shown.monitor);
        if (list.length) expect(shown.monitor).toBeDefined();
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('the running badge', () => {
  it('"1 running · $1.03/h" from the monitor burn rate; own machines count $0; a cloud run not priced yet makes it a floor', () => {
    const ec2 = run('ec2', 0, 'running');
    const local = run('local', 1, 'running', 'local');
    const done = run('done', 2, 'succeeded');
    expect(runningLabel(runningSummary(byId(ec2, done), { ec2: 1.0274, done: 3 }, NOW))).toBe('1 running · $1.03/h');
    expect(runningLabel(runningSummary(byId(ec2, local), { ec2: 1.0274 }, NOW))).toBe('2 running · $1.03/h');
    expect(runningLabel(runningSummary(byId(local), {}, NOW))).toBe('1 running · $0.00/h');
    expect(runningLabel(runningSummary(byId(ec2), {}, NOW))).toBe('1 running');
    expect(runningLabel(runningSummary(byId(ec2, run('ec3', 3, 'running')), { ec2: 1 }, NOW))).toBe(
      '2 running · ≥ $1.00/h',
    );
    expect(runningLabel(runningSummary(byId(done), { done: 3 }, NOW))).toBeUndefined();
  });

  it('a cloud run still provisioning burns from its instance create on: never $0 or no price while it bills', () => {
    const booting = run('boot', 4, 'running');
    booting.phases.preflight = { status: 'succeeded', detail: { instanceType: 'g5.xlarge', diskGb: 150 } };
    booting.phases.provisioning = {
      status: 'running',
      startedAt: new Date(NOW - 5 * 60_000).toISOString(),
      detail: { step: 'status-checks' },
    };
    const hourly = provisioningBurn(booting, NOW)!.hourlyUsd!;
    expect(hourly).toBeGreaterThan(1);
    expect(runningLabel(runningSummary(byId(booting), {}, NOW))).toBe(`1 running · ${formatHourly(hourly)}`);
    // The monitor's own price wins once it has one.
    expect(runningLabel(runningSummary(byId(booting), { boot: 2 }, NOW))).toBe('1 running · $2.00/h');
    // Before the instance's create (key pair, security group) nothing bills yet: no price claimed.
    const keyPair = {
      ...booting,
      phases: { ...booting.phases, provisioning: { status: 'running' as const, detail: { step: 'key-pair' } } },
    };
    expect(runningLabel(runningSummary(byId(keyPair), {}, NOW))).toBe('1 running');
  });

  // #17 point 1: a booting run was priced at the bundled us-east-1 table whatever its region.
  it("a booting run in eu-west-1 is counted at eu-west-1's prices (main's), not the bundled us-east-1 ones", () => {
    const booting = run('boot', 4, 'running');
    booting.phases.preflight = {
      status: 'succeeded',
      detail: { instanceType: 'g5.xlarge', diskGb: 150, region: 'eu-west-1' },
    };
    booting.phases.provisioning = {
      status: 'running',
      startedAt: new Date(NOW - 5 * 60_000).toISOString(),
      detail: { step: 'status-checks' },
    };
    const eu = provisioningBurn(booting, NOW, EU_WEST_1_PRICES)!.hourlyUsd!;
    expect(formatHourly(eu)).not.toBe(formatHourly(provisioningBurn(booting, NOW)!.hourlyUsd!));
    const tables = { '@eu-west-1': EU_WEST_1_PRICES };
    expect(runningLabel(runningSummary(byId(booting), {}, NOW, {}, { tables }))).toBe(
      `1 running · ${formatHourly(eu)}`,
    );
  });

  // The badge and the reattach banner price a run a killed TrainDeck left the same way: main's `billing`.
  it('a run a killed TrainDeck left counts what the banner says it bills; while main reads its prices, "≥"', () => {
    const left = run('left', 4, 'running');
    left.phases.preflight = { status: 'succeeded', detail: { instanceType: 'g5.xlarge', diskGb: 150 } };
    left.phases.provisioning = { status: 'succeeded', startedAt: new Date(NOW - 60 * 60_000).toISOString() };
    const unfinished = (billing: Partial<UnfinishedBilling>): UnfinishedRun[] => [
      {
        runId: 'left',
        name: 'left',
        backend: 'aws-ec2',
        startedAt: left.startedAt,
        canFollow: true,
        billing: { hourlyUsd: 1.7, region: 'eu-west-1', market: 'on-demand', ...billing } as UnfinishedBilling,
      },
    ];
    const label = (u: UnfinishedRun[]) => runningLabel(runningSummary(byId(left), {}, NOW, {}, { unfinished: u }));
    expect(label(unfinished({}))).toBe('1 running · $1.70/h');
    expect(label(unfinished({ upperBound: true }))).toBe('1 running · ≤ $1.70/h');
    expect(label(unfinished({ pending: true }))).toBe('1 running');
    expect(label(unfinished({ hourlyUsd: null }))).toBe('1 running');
    // Taken over again: its monitor prices it (here not yet: its provisioning burn).
    const takenOver = unfinished({}).map((u) => ({ ...u, takenOver: 'reattach' as const }));
    expect(label(takenOver)).toBe(`1 running · ${formatHourly(provisioningBurn(left, NOW)!.hourlyUsd!)}`);
  });

  // #17 point 2: a spot run still provisioning was counted at its on-demand price as if exact.
  it('a spot run is counted at most (≤) until its spot price is read, from its provisioning or the monitor', () => {
    const spot = run('spot', 5, 'running');
    spot.phases.preflight = { status: 'succeeded', detail: { instanceType: 'g5.xlarge', diskGb: 150, market: 'spot' } };
    spot.phases.provisioning = {
      status: 'running',
      startedAt: new Date(NOW - 5 * 60_000).toISOString(),
      detail: { step: 'status-checks' },
    };
    const hourly = provisioningBurn(spot, NOW)!.hourlyUsd!;
    expect(runningLabel(runningSummary(byId(spot), {}, NOW))).toBe(`1 running · ≤ ${formatHourly(hourly)}`);
    // The monitor's price: exact once it reads the spot price, "≤" while it is an upper bound.
    expect(runningLabel(runningSummary(byId(spot), { spot: 0.4 }, NOW))).toBe('1 running · $0.400/h');
    expect(runningLabel(runningSummary(byId(spot), { spot: 1 }, NOW, { spot: true }))).toBe('1 running · ≤ $1.00/h');
    // With a run not priced yet as well: neither bound holds.
    expect(runningLabel(runningSummary(byId(spot, run('ec3', 3, 'running')), {}, NOW))).toBe(
      `2 running · ≈ ${formatHourly(hourly)}`,
    );
    useRuns.setState({ burn: {}, burnAtMost: {} });
    const cost = { hourlyUsd: 1, instanceHourlyUsd: 1, ebsHourlyUsd: 0, soFarUsd: 1, pricesAsOf: 'x' };
    useRuns.getState().noteCost('spot', { ...cost, upperBound: true });
    expect(useRuns.getState().burnAtMost).toEqual({ spot: true });
    useRuns.getState().noteCost('spot', { ...cost, hourlyUsd: 0.4 });
    expect(useRuns.getState().burnAtMost).toEqual({});
  });

  it("keeps each run's latest price from the monitor (deltas of every watched run), and forgets them when main restarts", () => {
    useRuns.setState({ burn: {}, soFar: {} });
    const cost = { hourlyUsd: 1.0274, instanceHourlyUsd: 1, ebsHourlyUsd: 0.0274, soFarUsd: 1, pricesAsOf: 'x' };
    useRuns.getState().noteCost('a', cost);
    useRuns.getState().noteCost('b', undefined);
    expect(useRuns.getState().burn).toEqual({ a: 1.0274 });
    // History's running cost (#17, prices-ui point 4): the monitor's cost so far, "at most" as the monitor says it.
    expect(useRuns.getState().soFar).toEqual({ a: { usd: 1, upperBound: false } });
    useRuns.getState().noteCost('a', { ...cost, soFarUsd: 2.5, soFarUpperBound: true });
    expect(useRuns.getState().soFar).toEqual({ a: { usd: 2.5, upperBound: true } });
    useRuns.getState().forgetAll();
    expect(useRuns.getState().burn).toEqual({});
    expect(useRuns.getState().soFar).toEqual({});
  });
});

describe('stop and launch', () => {
  beforeEach(() =>
    useRuns.setState({ stopping: {}, actionError: undefined, selected: undefined, arriving: undefined }),
  );

  it('a stop asked is "stopping" at once; a refused one is not, and says why', async () => {
    setApi({ invoke: () => Promise.resolve(ok({ cancelled: true })) as never, subscribe: () => () => {} });
    const asked = useRuns.getState().cancel('r1');
    expect(useRuns.getState().stopping).toEqual({ r1: true });
    await asked;
    expect(useRuns.getState().stopping).toEqual({ r1: true });

    setApi({
      invoke: () => Promise.resolve(fail({ code: 'NOT_FOUND', message: 'No run r2.' })) as never,
      subscribe: () => () => {},
    });
    await useRuns.getState().cancel('r2');
    expect(useRuns.getState().stopping).toEqual({ r1: true });
    expect(useRuns.getState().actionError?.message).toBe('No run r2.');
  });

  it('a launched run is watched and its header asked to take the focus, once', () => {
    useRuns.getState().launched('new');
    expect(useRuns.getState()).toMatchObject({ watched: 'new', selected: undefined, arriving: 'new' });
    useRuns.getState().arrived();
    expect(useRuns.getState().arriving).toBeUndefined();
  });
});
