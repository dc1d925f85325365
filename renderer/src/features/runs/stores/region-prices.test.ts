import { beforeEach, describe, expect, it } from 'vitest';

import { emptyRunSnapshot, type RunSnapshot } from '../../../../../shared/domain/run';
import { fail, ok } from '../../../../../shared/ipc/result';
import { provisioningBurn } from '../../../../../shared/monitor/burn';
import { PRICE_TABLE } from '../../../../../shared/pricing/price-table';
import { setApi } from '../../../bridge/api-ref';
import { EU_WEST_1_PRICES } from '../../../testing/region-prices';
import { runPriceTable, runPriceTarget, useRegionPrices } from './region-prices';

// #17 point 1: before the monitor priced a run, the renderer priced it at the bundled us-east-1 table
// whatever its region. Invariant: a booting run is priced at its region's table as main gives it,
// asked once per region; a failed ask gets the bundled table with the reason, and is asked again.
const NOW = Date.parse('2026-12-06T10:00:00.000Z');

function booting(detail: Record<string, unknown>, backend: RunSnapshot['backend'] = 'aws-ec2'): RunSnapshot {
  const run = emptyRunSnapshot('r-1', 'resnet', backend, '2026-12-06T09:00:00.000Z');
  run.phases.preflight = { status: 'succeeded', detail: { instanceType: 'g5.xlarge', diskGb: 100, ...detail } };
  run.phases.provisioning = { status: 'running', startedAt: '2026-12-06T09:00:00.000Z', detail: { step: 'ssh' } };
  return run;
}

let asks: unknown[] = [];
function answer(result: () => unknown) {
  asks = [];
  setApi({
    invoke: ((name: string, request: unknown) => {
      asks.push({ name, request });
      return Promise.resolve(result());
    }) as never,
    subscribe: () => () => {},
  });
}

beforeEach(() => useRegionPrices.setState({ tables: {}, asked: {} }));

describe("a booting run's prices: its region's, from main", () => {
  it("eu-west-1: asked once, with the run's profile and type; the burn is eu-west-1's, not the bundled us-east-1's", async () => {
    answer(() => ok({ table: EU_WEST_1_PRICES }));
    const run = booting({ region: 'eu-west-1', profile: 'ml' });
    const target = runPriceTarget(run)!;
    await Promise.all([useRegionPrices.getState().load(target), useRegionPrices.getState().load(target)]);
    await useRegionPrices.getState().load(target);
    expect(asks).toEqual([
      { name: 'aws.prices', request: { region: 'eu-west-1', profile: 'ml', instanceType: 'g5.xlarge' } },
    ]);
    const table = runPriceTable(run, useRegionPrices.getState().tables);
    expect(table).toBe(EU_WEST_1_PRICES);
    const burn = provisioningBurn(run, NOW, table)!;
    expect(burn.hourlyUsd).toBeCloseTo(provisioningBurn(run, NOW)!.hourlyUsd! * 1.5, 6);
    expect(burn.pricesOrigin).toMatchObject({ source: 'live', region: 'eu-west-1' });
  });

  it('a failed ask: the bundled table, saying why and for which region; asked again by the next load', async () => {
    answer(() => fail({ code: 'UNAVAILABLE', message: 'TrainDeck is restarting.', fix: 'Wait a moment.' }));
    const run = booting({ region: 'eu-west-1' });
    await useRegionPrices.getState().load(runPriceTarget(run)!);
    const table = runPriceTable(run, useRegionPrices.getState().tables)!;
    expect(table.instanceHourly).toEqual(PRICE_TABLE.instanceHourly);
    expect(table.origin).toEqual({
      source: 'bundled',
      region: 'eu-west-1',
      asOf: PRICE_TABLE.asOf,
      problem: 'TrainDeck is restarting.',
      fix: 'Wait a moment.',
    });
    answer(() => ok({ table: EU_WEST_1_PRICES }));
    await useRegionPrices.getState().load(runPriceTarget(run)!);
    expect(asks).toHaveLength(1);
    expect(runPriceTable(run, useRegionPrices.getState().tables)).toBe(EU_WEST_1_PRICES);
  });

  it('no region recorded (a run from before), another backend, a finished run: nothing asked', () => {
    expect(runPriceTarget(booting({}))).toBeUndefined();
    expect(runPriceTarget(booting({ region: 'eu-west-1' }, 'local'))).toBeUndefined();
    expect(runPriceTarget({ ...booting({ region: 'eu-west-1' }), state: 'succeeded' })).toBeUndefined();
  });
});
