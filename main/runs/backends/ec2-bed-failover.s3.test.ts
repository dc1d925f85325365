import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { attemptLine, type LaunchAttempt } from '../../../shared/domain/capacity-failover';
import { applyRunEvent, emptyRunSnapshot, RUN_PHASES } from '../../../shared/domain/run';
import { TAG_RUN_ID } from '../../../shared/domain/tags';
import { hourlyBurn, provisioningBurn } from '../../../shared/monitor/burn';
import { reportMarkdown } from '../../../shared/report/report-markdown';
import { buildRunReport } from '../../../shared/report/run-report';
import type { LaunchRefusal } from '../../aws/fake/fake-ec2-capacity';
import { leftOfRun, onInstanceRefusal } from '../../aws/testing/ec2-test-bed';
import { formatRunEvent } from '../../cli/run-output';
import { readJournal } from '../../lifecycle/journal/run-journal';
import type { RawConfig } from '../pipeline/testing/run-fixture';
import { runCostEvent } from '../run-cost-event';
import { createEc2Backend } from './ec2-backend';
import { type Ec2BedWorld, startEc2BedWorld, story } from './testing/ec2-bed-world';

// Capacity failover (issue 17 point 2) end to end on the EC2 test bed: the SDK over HTTP to the
// stateful EC2 fake, whose RunInstances refuses per zone, type and market as EC2 does, each
// launched instance a real sshd with its IMDS, the executor on it, Ceph RGW for S3.
// Invariants: the run launches at the first placement EC2 accepts, in the documented order, and
// then trains, pushes, verifies and tears down as any run; every attempt is one RunInstances call,
// journaled (intent before, outcome after), and shown in the CLI, the provisioning detail and the
// report; a refused attempt leaves nothing: at the end the fake holds no volume, key pair or
// security group at all and only the one terminated instance of the run (the fake has no ENIs:
// a refused RunInstances creates none on EC2 either, and TrainDeck never makes one apart).

// SAFETY: never where the executor's power-off would be real (a CI runner on EC2).
const refusal = onInstanceRefusal();
if (refusal) console.warn(`ec2-bed-failover.s3.test.ts skipped: ${refusal}.`);

let world: Ec2BedWorld;
let region: string;
beforeAll(async () => {
  if (refusal) return;
  world = await startEc2BedWorld('ec2fail');
  region = inject('s3').region;
}, 120_000);
afterAll(async () => {
  if (!refusal) await world?.close();
});

/** One short training (one epoch of two steps) launched against `refusals`, with what each view of it says. */
async function failoverRun(name: string, refusals: LaunchRefusal[], patch: (raw: RawConfig) => void = () => {}) {
  const { f, fake, bed, server } = world;
  const deps = world.deps(name);
  const config = world.config((raw) => {
    raw.training.env = { EPOCHS: '1', STEPS: '2' };
    patch(raw);
  });
  const runInstanceCalls = () => server.calls().filter((call) => call === 'RunInstances').length;
  const callsBefore = runInstanceCalls();
  const machinesBefore = bed.instances().length;
  fake.region(region).launchRefusals = refusals;
  let run;
  try {
    run = await f.run(config, (runId) => {
      world.runIds.push(runId);
      return createEc2Backend(config, runId, deps);
    });
  } finally {
    fake.region(region).launchRefusals = [];
  }
  const { snapshot, events } = run;
  const runId = snapshot.runId;
  const journal = await readJournal(deps.dataDir, runId);
  const report = buildRunReport(snapshot, { journal, generatedAt: new Date().toISOString() });

  // It trained, synced and tore down as any run does.
  expect(run.result.outcome, story(events)).toBe('succeeded');
  for (const phase of RUN_PHASES) {
    expect(snapshot.phases[phase]?.status, `${phase}\n${story(events)}`).toBe('succeeded');
  }
  expect(run.trainLines.at(-1)).toMatch(/ training finished$/);
  expect(await f.fx.keys()).toEqual(
    expect.arrayContaining(['runs/test/checkpoints/epoch-001.ckpt', `runs/test/logs/${runId}/train.log`]),
  );
  expect(snapshot.phases['tearing-down'].detail).toMatchObject({ remainingHourlyUsd: 0 });

  // Every attempt: one RunInstances call, its intent journaled before it, its outcome after.
  const attempts: LaunchAttempt[] = journal.flatMap((e) => (e.type === 'attempt' ? [e] : []));
  expect(runInstanceCalls() - callsBefore).toBe(attempts.length);
  const intents = journal.filter((e) => e.type === 'intent' && e.step === 'instance').length;
  expect(intents).toBe(attempts.length);
  expect(report.resources?.attempts?.map(attemptLine)).toEqual(attempts.map(attemptLine));

  // Nothing left by any attempt: one machine was started (the launched one, now off), and the whole
  // account holds no volume, key pair or security group, and no instance of the run but the terminated one.
  expect(bed.instances().length - machinesBefore).toBe(1);
  expect(bed.instances().at(-1)!.up).toBe(false);
  expect(leftOfRun(fake, runId)).toEqual([]);
  const account = fake.region(region);
  expect([...account.volumes.keys(), ...account.keyPairs.keys(), ...account.securityGroups.keys()]).toEqual([]);
  const instances = [...account.instances.values()].filter((i) => i.tags[TAG_RUN_ID] === runId);
  expect(instances.map((i) => i.state)).toEqual(['terminated']);
  expect([...account.instances.values()].every((i) => i.state === 'terminated')).toBe(true);

  // What the monitor showed while the instance booted, and what the report billed: the launched
  // placement's price, not the configured one's (issue #17, prices-ui point 1).
  let booting = emptyRunSnapshot(runId, snapshot.name, 'aws-ec2', snapshot.startedAt);
  for (const event of events) {
    if (event.type === 'phase' && event.phase === 'connecting') break;
    booting = applyRunEvent(booting, event);
  }
  const bootBurn = provisioningBurn(booting, Date.parse(snapshot.startedAt) + 3_600_000);
  const cost = runCostEvent(snapshot, { config, backend: 'aws-ec2' }, Date.now());

  return {
    bootBurn,
    costInstance: cost.type === 'cost' ? cost.items.find((item) => item.kind === 'instance') : undefined,
    attempts: attempts.map((a) => `${a.zone} ${a.instanceType} ${a.market} ${a.outcome} ${a.code ?? ''}`.trim()),
    instance: instances[0]!,
    placement: (snapshot.phases.provisioning.detail as { placement?: string }).placement,
    cli: events.map(formatRunEvent).join(''),
    markdown: reportMarkdown(report),
    bedInstance: bed.instances().at(-1)!,
  };
}

const z = (letter: string) => `${region}${letter}`;

describe.skipIf(refusal)('capacity failover on the EC2 test bed (SDK over HTTP, real sshd, Ceph RGW)', () => {
  it('first zone has no capacity, the second does not offer the type: launched in the third, trained, torn down', async () => {
    const run = await failoverRun('zones', [
      { zone: z('a'), code: 'InsufficientInstanceCapacity' },
      { zone: z('b'), instanceType: 't3.micro', code: 'Unsupported' },
    ]);
    expect(run.attempts).toEqual([
      `${z('a')} t3.micro on-demand refused InsufficientInstanceCapacity`,
      `${z('b')} t3.micro on-demand refused Unsupported`,
      `${z('c')} t3.micro on-demand launched`,
    ]);
    expect(run.instance).toMatchObject({ zone: z('c'), instanceType: 't3.micro', market: 'on-demand' });
    const placement = `${z('a')}: no capacity → ${z('b')}: type not offered in this zone → ${z('c')}: launched`;
    expect(run.placement).toBe(placement);
    // Live in the CLI as each attempt starts, then the outcome.
    expect(run.cli).toContain(`  · ${z('a')}: launching\n`);
    expect(run.cli).toContain(`  · ${z('a')}: no capacity → ${z('b')}: launching\n`);
    expect(run.cli).toContain(`  · ${placement}\n`);
    expect(run.markdown).toContain(`Launch attempts (${placement}):`);
    expect(run.markdown).toContain(`1. ${z('a')} t3.micro on-demand: no capacity (InsufficientInstanceCapacity)`);
    expect(run.markdown).toContain(`2. ${z('b')} t3.micro on-demand: type not offered in this zone (Unsupported)`);
    expect(run.markdown).toContain(`3. ${z('c')} t3.micro on-demand: launched ${run.instance.id}`);
  });

  it('no zone has room for the type: the first of compute.alternatives launches, trained, torn down', async () => {
    const run = await failoverRun(
      'alternative',
      [{ instanceType: 't3.micro', code: 'InsufficientInstanceCapacity' }],
      (raw) => ((raw.compute as Record<string, unknown>).alternatives = ['t3.large', 'm7i.large']),
    );
    expect(run.attempts).toEqual([
      `${z('a')} t3.micro on-demand refused InsufficientInstanceCapacity`,
      `${z('b')} t3.micro on-demand refused InsufficientInstanceCapacity`,
      `${z('c')} t3.micro on-demand refused InsufficientInstanceCapacity`,
      `${z('a')} t3.large on-demand launched`,
    ]);
    // The machine is the alternative's (EC2 launched that type), and the run's cost prices it.
    expect(run.instance).toMatchObject({ zone: z('a'), instanceType: 't3.large', market: 'on-demand' });
    expect(run.placement).toBe(
      `${z('a')} t3.micro: no capacity → ${z('b')} t3.micro: no capacity → ${z('c')} t3.micro: no capacity → ${z('a')} t3.large: launched`,
    );
    expect(run.markdown).toContain(`4. ${z('a')} t3.large on-demand: launched ${run.instance.id}`);
    // The monitor while it booted and the run's cost price the t3.large that ran, not the t3.micro asked for.
    expect(run.bootBurn?.hourlyUsd).toBe(hourlyOf('t3.large', 'on-demand'));
    expect(run.bootBurn?.hourlyUsd).not.toBe(hourlyOf('t3.micro', 'on-demand'));
    expect(run.costInstance?.label).toBe('Instance t3.large (on-demand)');
  });

  it('spot refused everywhere (SpotMaxPriceTooLow) with fallbackOnDemand: launched on-demand, trained, torn down', async () => {
    const run = await failoverRun('on-demand', [{ market: 'spot', code: 'SpotMaxPriceTooLow' }], (raw) =>
      Object.assign(raw.compute as Record<string, unknown>, { market: 'spot', spot: { fallbackOnDemand: true } }),
    );
    expect(run.attempts).toEqual([
      `${z('a')} t3.micro spot refused SpotMaxPriceTooLow`,
      `${z('b')} t3.micro spot refused SpotMaxPriceTooLow`,
      `${z('c')} t3.micro spot refused SpotMaxPriceTooLow`,
      `${z('a')} t3.micro on-demand launched`,
    ]);
    expect(run.instance).toMatchObject({ zone: z('a'), market: 'on-demand' });
    // The machine knows it too: its IMDS says on-demand (no spot watch has anything to hear).
    expect(run.bedInstance.market).toBe('on-demand');
    expect(run.placement).toBe(
      `${z('a')} spot: spot price above the maximum → ${z('b')} spot: spot price above the maximum → ` +
        `${z('c')} spot: spot price above the maximum → ${z('a')} on-demand: launched`,
    );
    expect(run.markdown).toContain(`1. ${z('a')} t3.micro spot: spot price above the maximum (SpotMaxPriceTooLow)`);
    expect(run.markdown).toContain(`4. ${z('a')} t3.micro on-demand: launched ${run.instance.id}`);
    // Priced on-demand, exact: not as spot "at most" (the monitor) nor at a spot price (the cost).
    expect(run.bootBurn).toMatchObject({ hourlyUsd: hourlyOf('t3.micro', 'on-demand') });
    expect(run.bootBurn?.upperBound).toBeUndefined();
    expect(run.costInstance?.label).toBe('Instance t3.micro (on-demand)');
    expect(run.costInstance?.upperBound).toBeUndefined();
  });
});

// The burn's $/h of a type on a market with the bed's disk, at the bundled prices (as provisioningBurn prices it).
function hourlyOf(instanceType: string, market: 'on-demand' | 'spot'): number | null {
  const diskGb = world.config(() => undefined).compute!.diskGb;
  return hourlyBurn({ instanceType, market, volumes: [{ volumeType: 'gp3', sizeGb: diskGb }], hasPublicIp: true })
    .hourly;
}
