import { describe, expect, it } from 'vitest';

import { PRICE_TABLE, type PriceTable } from '../../../shared/pricing/price-table';
import type { RunConfig } from '../../../shared/run-config/schema';
import { hasDoubledPeriod } from '../../../shared/text/sentences';
import { fakeWorld } from '../testing/fake-lifecycle';
import { budgetPriceCheck } from './budget-price-check';
import { runPreflight } from './run-preflight';

// Issue 17 point 4: a budget (training.maxCostUsd) stops a run by its cost, so it can only stop
// a run whose every possible instance and disk has a price. Invariant: when one has none, the
// preflight says so before anything is created (it used to be said only by the monitor, after
// launch); the launch is not refused (the type may be worth running with a time limit).

const compute = (more: Partial<NonNullable<RunConfig['compute']>> = {}) =>
  ({ instanceType: 'g5.xlarge', ttlMinutes: 240, diskGb: 100, market: 'on-demand', ...more }) as NonNullable<
    RunConfig['compute']
  >;
const without = (types: string[], table: PriceTable = PRICE_TABLE): PriceTable => ({
  ...table,
  instanceHourly: Object.fromEntries(Object.entries(table.instanceHourly).filter(([type]) => !types.includes(type))),
});

describe('whether the budget can stop the run', () => {
  it('passes when the type, each alternative and the disk are priced, naming the prices used', () => {
    const line = budgetPriceCheck(25, compute({ alternatives: ['g5.2xlarge'] }), PRICE_TABLE);
    expect(line).toMatchObject({ id: 'budget', status: 'pass' });
    expect(line.value).toMatch(/^\$25\.00, priced from Bundled us-east-1 prices of /);
  });

  // Breaks d7adeb2: the budget was printed raw ('$12.5', '$0.30000000000000004') where Review says '$12.50'.
  it('says the budget as money, as Review does', () => {
    expect(budgetPriceCheck(12.5, compute(), PRICE_TABLE).value).toMatch(/^\$12\.50, priced/);
    // A type whose hour is under $0.30 (a g5.xlarge's is not: that budget would be refused as under one hour).
    expect(budgetPriceCheck(0.1 + 0.2, compute({ instanceType: 't3.micro' }), PRICE_TABLE).value).toMatch(
      /^\$0\.300, priced/,
    );
  });

  it('warns, naming every instance type or disk with no price, with a fix', () => {
    const table = {
      ...without(['g5.2xlarge']),
      instanceHourly: { ...without(['g5.2xlarge']).instanceHourly, 'g5.xlarge': Number.NaN },
    };
    const noDisk = { ...table, ebsGbMonth: {} };
    const line = budgetPriceCheck(25, compute({ alternatives: ['g5.2xlarge', 't3.large'] }), noDisk);
    expect(line.status).toBe('warn');
    expect(line.value).toMatch(
      /^the \$25\.00 budget cannot stop this run: no price for g5\.xlarge, g5\.2xlarge, gp3 storage \(/,
    );
    expect(line.fix).toMatch(/training\.maxRuntimeMinutes/);
    expect(hasDoubledPeriod(`${line.value}. ${line.fix}`)).toBe(false);
  });

  // #17: the schema refused a budget below one hour at the bundled us-east-1 prices; the launch now
  // refuses it at the region's (the prices the monitor stops the run by), naming them.
  it('a budget below one hour of the instance at the region prices fails (on-demand), warns for spot (at most on-demand)', () => {
    const region: PriceTable = {
      ...PRICE_TABLE,
      instanceHourly: { ...PRICE_TABLE.instanceHourly, 'g5.xlarge': 1.123 },
      origin: { source: 'live', region: 'eu-west-1', asOf: '2026-12-06T05:00:00.000Z' },
    };
    // $1.10 passed the bundled hour ($1.02) and is below the region's ($1.14).
    const line = budgetPriceCheck(1.1, compute(), region);
    expect(line).toMatchObject({ id: 'budget', status: 'fail' });
    expect(line.value).toMatch(
      /^The budget of \$1\.10 is less than one hour of g5\.xlarge \(\$1\.14\/h with its disk and public IPv4, AWS prices of eu-west-1 of 2026-12-06\), so the run would be stopped before it trains$/,
    );
    expect(line.fix).toBe('Raise training.maxCostUsd to at least $1.14, or pick a cheaper instance type.');
    expect(hasDoubledPeriod(`${line.value}. ${line.fix}`)).toBe(false);
    const spot = budgetPriceCheck(1.1, compute({ market: 'spot' }), region);
    expect(spot).toMatchObject({ status: 'warn', value: expect.stringContaining('(at most $1.14/h') });
    expect(budgetPriceCheck(1.2, compute(), region).status).toBe('pass');
  });

  // Issue #17 (prices-ui, point 1): only the chosen type's hour was checked; a failover to a dearer
  // alternative then launched an instance the budget stopped before it trained.
  it('an alternative whose hour the budget does not cover fails (on-demand), warns (spot), naming it and the fix', () => {
    // g5.xlarge $1.006/h + disk + IPv4 ≈ $1.12; g5.12xlarge is far dearer.
    const line = budgetPriceCheck(2, compute({ alternatives: ['g4dn.xlarge', 'g5.12xlarge'] }), PRICE_TABLE);
    expect(line).toMatchObject({ id: 'budget', status: 'fail' });
    expect(line.value).toMatch(
      /^A capacity failover may launch g5\.12xlarge \(compute\.alternatives\), and the budget of \$2\.00 is less than one hour of g5\.12xlarge \(\$\d+\.\d+\/h with its disk and public IPv4, the bundled us-east-1 prices of [^)]+\), so the run would be stopped before it trains$/,
    );
    expect(line.fix).toMatch(
      /^Raise training\.maxCostUsd to at least \$\d+\.\d\d, or remove g5\.12xlarge from compute\.alternatives\.$/,
    );
    expect(hasDoubledPeriod(`${line.value}. ${line.fix}`)).toBe(false);
    expect(budgetPriceCheck(2, compute({ alternatives: ['g5.12xlarge'], market: 'spot' }), PRICE_TABLE).status).toBe(
      'warn',
    );
    expect(budgetPriceCheck(2, compute({ alternatives: ['g4dn.xlarge'] }), PRICE_TABLE).status).toBe('pass');
  });

  // #17: the first type whose hour the budget missed was named (the chosen one), with a fix ("at least
  // its hour") that a dearer alternative still failed. Now the dearest is named: one fix covers all.
  it('a chosen type and a dearer alternative both above the budget: the dearer is named, its hour the least budget', () => {
    const line = budgetPriceCheck(0.5, compute({ alternatives: ['g4dn.xlarge', 'g5.2xlarge'] }), PRICE_TABLE);
    expect(line).toMatchObject({ id: 'budget', status: 'fail' });
    expect(line.value).toMatch(
      /^A capacity failover may launch g5\.2xlarge \(compute\.alternatives\), and the budget of \$0\.500/,
    );
    const least = Number(/at least \$(\d+\.\d\d)/.exec(line.fix!)![1]);
    expect(budgetPriceCheck(least, compute({ alternatives: ['g4dn.xlarge', 'g5.2xlarge'] }), PRICE_TABLE).status).toBe(
      'pass',
    );
  });

  it('in the preflight: a warning before launch, the plan still made; none without a budget; unreadable prices warn', async () => {
    const world = await fakeWorld({ compute: {} });
    const config = (maxCostUsd?: number): RunConfig => ({
      ...world.config,
      training: { ...world.config.training!, ...(maxCostUsd === undefined ? {} : { maxCostUsd }) },
    });
    const preflight = (cfg: RunConfig, prices: () => Promise<PriceTable>) =>
      runPreflight({
        config: cfg,
        ports: world.fake.ports(),
        publicIp: world.deps.publicIp,
        env: world.deps.env,
        clock: world.clock,
        prices,
      });
    const type = world.config.compute!.instanceType;
    const unpriced = await preflight(config(40), async () => without([type]));
    expect(unpriced.plan).toBeDefined();
    expect(unpriced.report.checks.find((c) => c.id === 'budget')).toMatchObject({
      status: 'warn',
      value: expect.stringContaining(`no price for ${type}`),
    });
    expect(world.fake.writes).toEqual([]);

    const noBudget = await preflight(config(), async () => without([type]));
    expect(noBudget.report.checks.find((c) => c.id === 'budget')).toBeUndefined();

    const refused = await preflight(config(40), async () => {
      throw Object.assign(new Error('User is not authorized to perform: pricing:GetProducts'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      });
    });
    expect(refused.plan).toBeDefined();
    expect(refused.report.checks.find((c) => c.id === 'budget')).toMatchObject({
      status: 'warn',
      value: expect.stringMatching(/^could not read the prices the budget is counted in: /),
    });
  });
});
