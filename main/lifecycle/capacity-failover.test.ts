import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatAttempts, type PlacementCandidate } from '../../shared/domain/capacity-failover';
import { journaledAttempts, journaledInstance, summarizeJournal } from '../../shared/domain/run-journal';
import type { TypedError } from '../../shared/ipc/result';
import type { LaunchRefusal } from '../aws/fake/fake-ec2-capacity';
import { scanAccount } from './cost/scanner';
import { readJournal } from './journal/run-journal';
import { launchCleanupOf, launchRun } from './launch';
import { teardownRun } from './teardown';
import { fakeWorld } from './testing/fake-lifecycle';

const REGION = 'eu-west-1';
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const RUN = 'demo-20250601-120000-ab12';
const CAPACITY_CODES = [
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'UnfulfillableCapacity',
  'Unsupported',
  'SpotMaxPriceTooLow',
] as const;

interface Scenario {
  market: 'on-demand' | 'spot';
  fallbackOnDemand: boolean;
  alternatives: string[];
  refusals: LaunchRefusal[];
}

/** The documented order, written out independently of the code under test. */
function documentedOrder(s: Scenario): PlacementCandidate[] {
  const markets = s.market === 'spot' && s.fallbackOnDemand ? (['spot', 'on-demand'] as const) : [s.market];
  const order: PlacementCandidate[] = [];
  for (const market of markets) {
    for (const instanceType of ['g5.xlarge', ...s.alternatives]) {
      for (const zone of ZONES) order.push({ instanceType, zone, market });
    }
  }
  return order;
}

function refusedBy(s: Scenario, c: PlacementCandidate): LaunchRefusal | undefined {
  return s.refusals.find(
    (r) =>
      (r.zone === undefined || r.zone === c.zone) &&
      (r.instanceType === undefined || r.instanceType === c.instanceType) &&
      (r.market === undefined || r.market === c.market),
  );
}

async function launchIn(s: Scenario) {
  const world = await fakeWorld({
    compute: {
      market: s.market,
      ...(s.alternatives.length ? { alternatives: s.alternatives } : {}),
      ...(s.fallbackOnDemand ? { spot: { fallbackOnDemand: true, maxRelaunches: 0 } } : {}),
    },
  });
  world.fake.region(REGION).launchRefusals = s.refusals;
  const steps: string[] = [];
  const outcome = await launchRun(world.config, world.deps, {
    runId: RUN,
    onStep: (step, detail) => {
      if (step === 'instance') steps.push(detail);
    },
  }).then(
    (run) => ({ run }),
    (error: unknown) => ({ error }),
  );
  return { world, outcome, steps };
}

async function expectZeroAfterTeardown(world: Awaited<ReturnType<typeof fakeWorld>>) {
  await teardownRun(RUN, {
    dataDir: world.deps.dataDir,
    ports: world.fake.ports(),
    clock: world.clock,
    sleep: world.clock.sleep,
    regions: [REGION],
  }).catch(() => undefined); // a failed launch has already torn down and closed its journal
  const after = await scanAccount({ ports: world.fake.ports(), clock: world.clock, sleep: world.clock.sleep });
  expect(after.totalHourlyUsd).toBe(0);
  expect(after.resources).toEqual([]);
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  market: fc.constantFrom('on-demand' as const, 'spot' as const),
  fallbackOnDemand: fc.boolean(),
  alternatives: fc.subarray(['g5.2xlarge', 'g6.xlarge', 't3.large'], { maxLength: 2 }),
  refusals: fc.array(
    fc.record(
      {
        zone: fc.constantFrom(...ZONES),
        instanceType: fc.constantFrom('g5.xlarge', 'g5.2xlarge', 'g6.xlarge', 't3.large'),
        market: fc.constantFrom('on-demand' as const, 'spot' as const),
        code: fc.constantFrom(...CAPACITY_CODES),
      },
      { requiredKeys: ['code'] },
    ),
    { maxLength: 14 },
  ),
});

describe('capacity failover (in-memory EC2 with injected refusals)', () => {
  it('lands on the first feasible placement of the documented order; refused attempts leave nothing; the journal lists each; teardown ends at $0/h', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const order = documentedOrder(s);
        const firstFeasible = order.findIndex((c) => !refusedBy(s, c));
        const { world, outcome, steps } = await launchIn(s);
        const region = world.fake.region(REGION);
        const journal = await readJournal(world.deps.dataDir, RUN);
        const attempts = journaledAttempts(journal);
        // Bounded: never more than zones × types × 2 attempts, each placement at most once.
        expect(attempts.length).toBeLessThanOrEqual(ZONES.length * (1 + s.alternatives.length) * 2);

        if (firstFeasible === -1) {
          expect('error' in outcome).toBe(true);
          expect(attempts.map(({ instanceType, zone, market }) => ({ instanceType, zone, market }))).toEqual(order);
          expect(attempts.every((a) => a.outcome === 'refused')).toBe(true);
          const error = (outcome as { error: unknown }).error as TypedError;
          expect(error.message).toMatch(
            /^Launch failed at "instance": No placement had capacity after \d+ attempt\(s\)/,
          );
          expect(error.fix).toMatch(/compute\.alternatives/);
          expect(launchCleanupOf(error)?.closed).toBe(true);
        } else {
          if ('error' in outcome) throw outcome.error;
          const run = outcome.run;
          const chosen = order[firstFeasible]!;
          expect({ instanceType: run.instanceType, zone: run.zone, market: run.market }).toEqual(chosen);
          // Every placement before the chosen one was tried once and refused with its injected code, in order.
          expect(attempts.map(({ instanceType, zone, market }) => ({ instanceType, zone, market }))).toEqual(
            order.slice(0, firstFeasible + 1),
          );
          attempts.slice(0, -1).forEach((a, i) => {
            expect(a).toMatchObject({ n: i + 1, outcome: 'refused', code: refusedBy(s, order[i]!)!.code });
          });
          expect(attempts.at(-1)).toMatchObject({ outcome: 'launched', instanceId: run.instanceId });
          expect(run.attempts).toEqual(attempts);
          // Nothing of a refused attempt exists: one instance, and only its own volumes, in its zone.
          expect([...region.instances.keys()]).toEqual([run.instanceId]);
          expect(region.instances.get(run.instanceId)).toMatchObject({
            zone: chosen.zone,
            instanceType: chosen.instanceType,
            market: chosen.market,
          });
          expect([...region.volumes.values()].every((v) => v.attachedTo === run.instanceId)).toBe(true);
          // The journal's summary has no dangling intent, and prices the instance where it really runs.
          const summary = summarizeJournal(journal)!;
          expect(summary.pendingIntents).toEqual([]);
          expect(journaledInstance(journal, world.clock.now())).toMatchObject({
            zone: chosen.zone,
            instanceType: chosen.instanceType,
          });
          // The progress lines end with the story of the attempts.
          expect(steps.at(-1)).toBe(formatAttempts(attempts));
        }
        expect(region.instances.size).toBeLessThanOrEqual(1);
        await expectZeroAfterTeardown(world);
      }),
      { seed: 42, numRuns: 60 },
    );
  }, 120_000);

  it('shows the story of a failover in one line: "eu-west-1a: no capacity → eu-west-1b: launched"', async () => {
    const { outcome, steps } = await launchIn({
      market: 'on-demand',
      fallbackOnDemand: false,
      alternatives: [],
      refusals: [{ zone: 'eu-west-1a', code: 'InsufficientInstanceCapacity' }],
    });
    if ('error' in outcome) throw outcome.error;
    expect(formatAttempts(outcome.run.attempts)).toBe('eu-west-1a: no capacity → eu-west-1b: launched');
    expect(steps).toEqual([
      'eu-west-1a: launching',
      'eu-west-1a: no capacity → eu-west-1b: launching',
      'eu-west-1a: no capacity → eu-west-1b: launched',
    ]);
  });

  it('spot with fallbackOnDemand ends on-demand once every spot placement is refused', async () => {
    const { world, outcome } = await launchIn({
      market: 'spot',
      fallbackOnDemand: true,
      alternatives: ['g6.xlarge'],
      refusals: [{ market: 'spot', code: 'SpotMaxPriceTooLow' }],
    });
    if ('error' in outcome) throw outcome.error;
    expect(outcome.run).toMatchObject({ market: 'on-demand', instanceType: 'g5.xlarge', zone: 'eu-west-1a' });
    expect(outcome.run.attempts).toHaveLength(7);
    expect(formatAttempts(outcome.run.attempts)).toMatch(
      /^eu-west-1a g5\.xlarge spot: spot price above the maximum → .* → eu-west-1a g5\.xlarge on-demand: launched$/,
    );
    await expectZeroAfterTeardown(world);
  });

  it('an error other than capacity stops at once: one attempt, no retry storm, nothing left', async () => {
    const { world, outcome } = await launchIn({
      market: 'on-demand',
      fallbackOnDemand: false,
      alternatives: ['g6.xlarge'],
      refusals: [{ zone: 'eu-west-1a', code: 'InvalidParameterCombination' }],
    });
    expect('error' in outcome).toBe(true);
    const attempts = journaledAttempts(await readJournal(world.deps.dataDir, RUN));
    expect(attempts).toEqual([
      expect.objectContaining({ n: 1, zone: 'eu-west-1a', outcome: 'failed', code: 'InvalidParameterCombination' }),
    ]);
    expect(world.fake.region(REGION).instances.size).toBe(0);
    await expectZeroAfterTeardown(world);
  });
});
