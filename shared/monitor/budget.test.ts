import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { PRICE_TABLE, type PriceTable } from '../pricing/price-table';
import { runConfigSchema } from '../run-config/schema';
import {
  budgetBelowOneHour,
  budgetBelowOneHourOfLaunch,
  budgetStopMessage,
  budgetVerdict,
  GRACEFUL_STOP_FIGURES,
  gracefulStopSeconds,
} from './budget';
import { hourlyBurn } from './burn';

const RUNS = { seed: 42, numRuns: 400 };
const usd = (max: number) => fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true });
const seconds = (max: number) => fc.integer({ min: 0, max });

describe('budgetVerdict: stop when the run, stopped at the next check, could end above the budget', () => {
  it('never stops a run under its budget with the margin of a stop and one check to spare', () => {
    fc.assert(
      fc.property(usd(1000), usd(50), seconds(7200), seconds(300), usd(100), (soFar, rate, stop, every, spare) => {
        const max = soFar + (rate * (stop + every)) / 3600 + spare + 0.01;
        expect(
          budgetVerdict({
            maxCostUsd: max,
            soFarUsd: soFar,
            hourlyUsd: rate,
            stopSeconds: stop,
            checkEverySeconds: every,
          }).stop,
        ).toBe(false);
      }),
      RUNS,
    );
  });

  it('always stops in time: checked at most every interval, the run stopped ends at or under the budget', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        seconds(7200),
        fc.integer({ min: 10, max: 300 }),
        fc.array(fc.double({ min: 0.5, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (rate, stop, every, jitter, extraHours) => {
          // A feasible budget: the stop and one check fit in it, plus up to 3 hours of training
          // (bounded: at most ~2,200 checks per case).
          const max = (rate * (stop + every)) / 3600 + rate * extraHours;
          const costAt = (t: number) => (rate * t) / 3600;
          let t = 0;
          for (let i = 0; ; i++) {
            const verdict = budgetVerdict({
              maxCostUsd: max,
              soFarUsd: costAt(t),
              hourlyUsd: rate,
              stopSeconds: stop,
              checkEverySeconds: every,
            });
            if (verdict.stop) {
              expect(costAt(t) + verdict.stopCostUsd).toBeLessThanOrEqual(max + 1e-9);
              return;
            }
            // The next check comes within `every` seconds (earlier when the watcher is quick).
            t += every * jitter[i % jitter.length]!;
            expect(costAt(t)).toBeLessThan(max);
          }
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('is monotone: more spent, a higher rate, a slower stop or a smaller budget never turn a stop into "go on"', () => {
    fc.assert(
      fc.property(
        usd(1000),
        usd(50),
        seconds(7200),
        seconds(300),
        usd(2000),
        fc.record({ spent: usd(100), rate: usd(10), stop: seconds(600), less: usd(100) }),
        (soFar, rate, stop, every, max, more) => {
          const base = {
            maxCostUsd: max,
            soFarUsd: soFar,
            hourlyUsd: rate,
            stopSeconds: stop,
            checkEverySeconds: every,
          };
          if (!budgetVerdict(base).stop) return;
          expect(budgetVerdict({ ...base, soFarUsd: soFar + more.spent }).stop).toBe(true);
          expect(budgetVerdict({ ...base, hourlyUsd: rate + more.rate }).stop).toBe(true);
          expect(budgetVerdict({ ...base, stopSeconds: stop + more.stop }).stop).toBe(true);
          expect(budgetVerdict({ ...base, maxCostUsd: Math.max(0, max - more.less) }).stop).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('g5.xlarge, $10 budget: goes on at $8, stops at $9.80 (a 10 GB push, 60 s grace, 5 s checks)', () => {
    const { hourly } = hourlyBurn({
      instanceType: 'g5.xlarge',
      volumes: [{ volumeType: 'gp3', sizeGb: 100 }],
      hasPublicIp: true,
    });
    const stopSeconds = gracefulStopSeconds({ graceSeconds: 60, pushBytes: 10e9 });
    expect(stopSeconds).toBe(60 + GRACEFUL_STOP_FIGURES.pushFixedSeconds + 500 + 120 + 300);
    const ask = (soFar: number) =>
      budgetVerdict({ maxCostUsd: 10, soFarUsd: soFar, hourlyUsd: hourly!, stopSeconds, checkEverySeconds: 5 });
    expect(ask(8).stop).toBe(false);
    expect(ask(9.8).stop).toBe(true);
    expect(budgetStopMessage(9.8, 10)).toBe('stopped by the budget: $9.80 of $10.00');
  });
});

// #17: the check used the bundled us-east-1 table while Review priced the region ($1.02 vs $1.13/h for
// g5.xlarge in eu-west-1). Invariant: one hour is priced at the prices it is given (the region's, as
// Review and the monitor price it), and the sentence names them; the schema, which has no region
// prices, no longer judges it.
describe('a budget below one hour of the instance is refused with the fix, at the region prices', () => {
  const config = (maxCostUsd: number, instanceType = 'g5.xlarge') => ({
    version: 1,
    aws: { region: 'eu-west-1' },
    storage: { bucket: 'acme-ml', prefix: 'runs/a', sseKeyFile: 'k.key' },
    compute: { instanceType, ttlMinutes: 120 },
    training: { command: 'python train.py', maxCostUsd },
  });
  // eu-west-1 as the Price List answers it: 1.12 × us-east-1's figures.
  const scaled = (factor: number, source: 'live' | 'bundled' = 'live'): PriceTable => ({
    ...PRICE_TABLE,
    instanceHourly: Object.fromEntries(Object.entries(PRICE_TABLE.instanceHourly).map(([t, p]) => [t, p * factor])),
    ebsGbMonth: Object.fromEntries(Object.entries(PRICE_TABLE.ebsGbMonth).map(([t, p]) => [t, p * factor])),
    origin: { source, region: 'eu-west-1', asOf: '2026-12-06T05:00:00.000Z' },
  });
  const compute = { instanceType: 'g5.xlarge', diskGb: 100 };
  const hourAt = (table: PriceTable) =>
    hourlyBurn({ ...compute, volumes: [{ volumeType: 'gp3', sizeGb: 100 }], hasPublicIp: true }, table).hourly!;

  it('says the hourly price, which prices and the least budget', () => {
    const said = budgetBelowOneHour({ maxCostUsd: 0.5, compute, table: scaled(1.12) });
    expect(said?.message).toMatch(
      /^The budget of \$0\.500 is less than one hour of g5\.xlarge \(\$1\.1\d\/h with its disk and public IPv4, AWS prices of eu-west-1 of 2026-12-06\), so the run would be stopped before it trains: raise training\.maxCostUsd to at least \$1\.\d\d, or pick a cheaper instance type$/,
    );
    expect(said?.upperBound).toBe(false);
    expect(said?.message).toBe(`${said?.problem}: ${said?.fix}`);
  });

  it('a budget between the bundled hour and the region hour: refused at the region prices (the bundled table let it pass)', () => {
    const region = scaled(1.12);
    const between = (hourAt(PRICE_TABLE) + hourAt(region)) / 2;
    expect(budgetBelowOneHour({ maxCostUsd: between, compute, table: region })).toBeDefined();
    // A region cheaper than the bundled us-east-1 figures: not refused for the bundled price.
    const cheaper = scaled(0.9);
    const justAbove = (hourAt(cheaper) + hourAt(PRICE_TABLE)) / 2;
    expect(budgetBelowOneHour({ maxCostUsd: justAbove, compute, table: cheaper })).toBeUndefined();
    // The schema no longer judges it at all (it has no region prices): the wizard and the preflight do.
    expect(runConfigSchema.safeParse(config(between)).success).toBe(true);
    expect(runConfigSchema.safeParse(config(0.5)).success).toBe(true);
  });

  it('property: refused exactly when the budget is below the hour at the given prices', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 1.5, noNaN: true }), usd(3), (factor, budget) => {
        const table = scaled(factor);
        const said = budgetBelowOneHour({ maxCostUsd: budget, compute, table });
        expect(said !== undefined).toBe(budget < hourAt(table));
      }),
      RUNS,
    );
  });

  it('bundled prices say so; a spot hour without its spot price is at most on-demand, said', () => {
    const bundled = budgetBelowOneHour({
      maxCostUsd: 0.5,
      compute,
      table: { ...PRICE_TABLE, origin: { source: 'bundled', region: 'eu-west-1', asOf: PRICE_TABLE.asOf } },
    });
    expect(bundled?.problem).toContain(
      'the bundled us-east-1 prices of 2025-06-15 (live prices of eu-west-1 unavailable)',
    );
    const spot = budgetBelowOneHour({
      maxCostUsd: 0.5,
      compute: { ...compute, market: 'spot' },
      table: scaled(1.12),
      spot: { problem: 'No spot price was read.' },
    });
    expect(spot).toMatchObject({ upperBound: true, problem: expect.stringContaining('(at most $1.1') });
    // With the zones' prices: Review's figure, the dearest zone's (still at most: the zone is EC2's choice).
    const zones = {
      zones: [
        { zone: 'eu-west-1a', usdPerHour: 0.3 },
        { zone: 'eu-west-1b', usdPerHour: 0.4 },
      ],
    };
    const spotTable = scaled(1.12);
    expect(
      budgetBelowOneHour({ maxCostUsd: 0.5, compute: { ...compute, market: 'spot' }, table: spotTable, spot: zones }),
    ).toBeUndefined();
    expect(
      budgetBelowOneHour({ maxCostUsd: 0.39, compute: { ...compute, market: 'spot' }, table: spotTable, spot: zones })
        ?.problem,
    ).toMatch(/at most \$0\.4\d\d\/h/);
  });

  it('never refused on an unknown price', () => {
    expect(
      budgetBelowOneHour({ maxCostUsd: 0.5, compute: { ...compute, instanceType: 'zz9.mega' }, table: PRICE_TABLE }),
    ).toBeUndefined();
  });

  it('refuses a budget of $0 or less, or not a number, in words', () => {
    const issues = (value: unknown) =>
      runConfigSchema.safeParse({ ...config(1), training: { command: 'x', maxCostUsd: value } }).error?.issues[0]
        ?.message;
    expect(issues(0)).toBe('training.maxCostUsd is more than $0');
    expect(issues('ten')).toBe('training.maxCostUsd is a number of US dollars, such as 25');
  });
});

// #17: the preflight checked each compute.alternatives type, the wizard only the chosen one, each with
// its own code. Invariant of the one rule: a budget is refused exactly when it is below the hour of the
// dearest priced type the launch may end on, and that type is the one named (so its fix covers all).
describe('a budget below one hour of the dearest type a launch may end on (chosen or alternative)', () => {
  const TYPES = ['t3.micro', 'g4dn.xlarge', 'g5.xlarge', 'g5.2xlarge', 'g5.12xlarge', 'zz9.mega'];
  const hour = (instanceType: string) =>
    hourlyBurn({ instanceType, volumes: [{ volumeType: 'gp3', sizeGb: 100 }], hasPublicIp: true }).hourly;

  it('property: refused exactly below the dearest priced hour, naming that type; unpriced types never decide', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(TYPES, { minLength: 1 }), usd(12), (types, budget) => {
        const [instanceType, ...alternatives] = types as [string, ...string[]];
        const said = budgetBelowOneHourOfLaunch({
          maxCostUsd: budget,
          compute: { instanceType, diskGb: 100, alternatives },
          table: PRICE_TABLE,
        });
        const priced = types.map((type) => ({ type, usd: hour(type) })).filter((t) => t.usd !== null);
        const dearest = Math.max(...priced.map((t) => t.usd!));
        expect(said !== undefined).toBe(priced.length > 0 && budget < dearest);
        if (!said) return;
        expect(hour(said.instanceType)).toBe(dearest);
        expect(said.alternative).toBe(said.instanceType !== instanceType);
        expect(said.leastUsd).toBeGreaterThanOrEqual(dearest);
        expect(said.message).toBe(`${said.problem}: ${said.fix}`);
      }),
      RUNS,
    );
  });

  it('an alternative is named with the failover that may launch it and a fix that offers to drop it', () => {
    const said = budgetBelowOneHourOfLaunch({
      maxCostUsd: 0.5,
      compute: { instanceType: 'g5.xlarge', diskGb: 100, alternatives: ['g5.2xlarge', 'g4dn.xlarge'] },
      table: PRICE_TABLE,
    });
    expect(said?.problem).toMatch(
      /^A capacity failover may launch g5\.2xlarge \(compute\.alternatives\), and the budget of \$0\.500 is less than one hour of g5\.2xlarge \(\$1\.\d\d\/h with its disk and public IPv4, the bundled us-east-1 prices of 2025-06-15\), so the run would be stopped before it trains$/,
    );
    expect(said?.fix).toMatch(
      /^raise training\.maxCostUsd to at least \$1\.\d\d, or remove g5\.2xlarge from compute\.alternatives$/,
    );
    // The chosen type alone: its own sentence, as before.
    expect(
      budgetBelowOneHourOfLaunch({
        maxCostUsd: 0.5,
        compute: { instanceType: 'g5.xlarge', diskGb: 100 },
        table: PRICE_TABLE,
      }),
    ).toMatchObject({ instanceType: 'g5.xlarge', alternative: false, fix: expect.stringContaining('pick a cheaper') });
  });

  it("spot: the chosen type's zones price only the chosen type; an alternative is at most its on-demand hour", () => {
    const zones = { zones: [{ zone: 'eu-west-1a', usdPerHour: 0.1 }] };
    // The chosen g5.2xlarge at $0.10 spot; the alternative g5.xlarge is not priced at g5.2xlarge's zones.
    const said = budgetBelowOneHourOfLaunch({
      maxCostUsd: 0.5,
      compute: { instanceType: 'g5.2xlarge', diskGb: 100, market: 'spot', alternatives: ['g5.xlarge'] },
      table: PRICE_TABLE,
      spot: zones,
    });
    expect(said).toMatchObject({ instanceType: 'g5.xlarge', alternative: true, upperBound: true });
    expect(said?.hourlyUsd).toBeCloseTo(hour('g5.xlarge')!, 9);
  });
});
