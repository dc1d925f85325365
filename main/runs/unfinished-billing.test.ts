import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../shared/domain/run';
import { HOURS_PER_MONTH, PRICE_TABLE, type PriceTable } from '../../shared/pricing/price-table';
import type { SpotNowAnswer } from '../../shared/pricing/spot-now-price';
import type { RunAttempt } from '../../shared/report/run-attempts';
import { silentLogger } from '../core/logger';
import { runDir } from '../lifecycle/journal/run-journal';
import type { AwsMachine } from './pipeline/compute-backend';
import { appendAttach, type AttachEntry } from './reattach/attach-journal';
import { RunService } from './run-service';
import { type BillingSources, priceUnfinished, unfinishedPlacement } from './unfinished-billing';

// #17: the banner of a run a killed TrainDeck left priced its instance at the bundled us-east-1
// on-demand figure, whatever its region and market: a spot run in eu-west-1 at ~$0.40/h was said to
// bill $1.02/h. Invariant: the banner's figure is the monitor's rate of the attempt that runs (its
// region's prices, its market, zone, type and disk, its public IPv4), dated; "unknown", never $0, when
// it cannot be priced; and the answer comes within a bounded wait whatever the price sources do.

const RUN = 'spot-run-20261206-100000-ab12';
const DISK_GB = 200;
const machine: AwsMachine = {
  instanceId: 'i-0spot',
  region: 'eu-west-1',
  instanceType: 'g5.xlarge',
  diskGb: DISK_GB,
  spot: true,
  zone: 'eu-west-1b',
  launchedAt: Date.parse('2026-12-06T10:02:00.000Z'),
};
// eu-west-1 as its Price List answers: 1.12 × the bundled us-east-1 figures.
const EU_WEST_1: PriceTable = {
  ...PRICE_TABLE,
  instanceHourly: Object.fromEntries(Object.entries(PRICE_TABLE.instanceHourly).map(([t, p]) => [t, p * 1.12])),
  ebsGbMonth: Object.fromEntries(Object.entries(PRICE_TABLE.ebsGbMonth).map(([t, p]) => [t, p * 1.12])),
  origin: { source: 'live', region: 'eu-west-1', asOf: '2026-12-06T05:00:00.000Z' },
};
const ZONES: SpotNowAnswer = {
  zones: [
    { zone: 'eu-west-1a', usdPerHour: 0.3 },
    { zone: 'eu-west-1b', usdPerHour: 0.4 },
  ],
};
// What the spot instance in eu-west-1b bills: its zone's spot price, its IPv4 and its 200 GB gp3 disk, at eu-west-1's prices.
const SPOT_HOUR = 0.4 + EU_WEST_1.publicIpv4Hourly + (EU_WEST_1.ebsGbMonth.gp3! * DISK_GB) / HOURS_PER_MONTH;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-unfinished-billing-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A run a killed TrainDeck left: its events (`phases` succeeded, then `last` running) and its attach journal. */
function seedRun(
  runId: string,
  last: string,
  more: { machine?: AwsMachine; attempts?: RunAttempt[]; preflight?: Record<string, unknown> } = {},
): void {
  const folder = runDir(dir, runId);
  mkdirSync(folder, { recursive: true });
  const done = ['preflight', 'provisioning', 'connecting', 'bootstrapping', 'checkout', 'pulling', 'verifying'];
  const events: Array<Partial<RunEvent>> = [
    { type: 'started', name: runId.split('-')[0]!, backend: 'aws-ec2' },
    ...done.slice(0, done.indexOf(last) === -1 ? done.length : done.indexOf(last)).map(
      (phase) =>
        ({
          type: 'phase',
          phase,
          status: 'succeeded',
          ...(phase === 'preflight' ? { detail: more.preflight ?? { instanceType: 'g5.xlarge' } } : {}),
        }) as Partial<RunEvent>,
    ),
    { type: 'phase', phase: last, status: 'running' } as Partial<RunEvent>,
    ...(more.attempts ? [{ type: 'attempts', attempts: more.attempts } as Partial<RunEvent>] : []),
  ];
  writeFileSync(
    join(folder, 'events.jsonl'),
    events.map((e, i) => JSON.stringify({ ...e, runId, seq: i + 1, at: '2026-12-06T10:00:00.000Z' }) + '\n').join(''),
  );
  const entries: AttachEntry[] = [
    {
      type: 'run',
      pid: 999_999_999,
      backend: 'aws-ec2',
      name: 'spot',
      aws: { region: 'eu-west-1', profile: 'ml' },
      storage: { bucket: 'td-data', prefix: 'runs/a', sseKeyFile: 'k' } as never,
      baseDir: dir,
    },
  ];
  if (more.machine) {
    entries.push({
      type: 'machine',
      target: { kind: 'local' },
      workDir: join(dir, 'work'),
      storage: { bucket: 'td-data', prefix: 'runs/a', region: 'eu-west-1', folders: [] },
      sendS3Credentials: false,
      deadline: Date.now() + 3_600_000,
      aws: more.machine,
    });
  }
  for (const entry of entries) appendAttach(folder, entry);
}

function service(billing?: BillingSources, billingWaitMs = 2_000): RunService {
  return new RunService({
    dataDir: dir,
    emit: () => {},
    now: Date.now,
    log: silentLogger,
    resources: () => Promise.reject(new Error('not a new run')),
    ...(billing ? { billing } : {}),
    billingWaitMs,
  });
}

const asked: Array<{ region: string; profile?: string | undefined; type?: string }> = [];
const sources: BillingSources = {
  prices: async (target) => {
    asked.push({ ...target });
    return EU_WEST_1;
  },
  spotNow: async (target, type) => {
    asked.push({ ...target, type });
    return ZONES;
  },
};

describe('what an unfinished EC2 run still bills (the reattach banner)', () => {
  it("a spot instance in eu-west-1: its zone's spot price now at eu-west-1's prices, dated, not us-east-1 on-demand", async () => {
    asked.length = 0;
    seedRun(RUN, 'training', { machine });
    const [run] = await service(sources).unfinishedPriced();
    expect(run).toMatchObject({ runId: RUN, instanceType: 'g5.xlarge', canFollow: true });
    expect(run!.billing).toEqual({
      hourlyUsd: SPOT_HOUR,
      region: 'eu-west-1',
      market: 'spot',
      zone: 'eu-west-1b',
      prices: 'AWS prices of eu-west-1 of 2026-12-06',
      note: "Spot price now in eu-west-1b (EC2's price history).",
    });
    // The bundled us-east-1 on-demand hour (what the banner said) is more than twice as much.
    expect(PRICE_TABLE.instanceHourly['g5.xlarge']!).toBeGreaterThan(2 * SPOT_HOUR);
    // Asked of the run's own region and profile, for its own type.
    expect(asked).toEqual([
      { region: 'eu-west-1', profile: 'ml' },
      { region: 'eu-west-1', profile: 'ml', type: 'g5.xlarge' },
    ]);
  });

  it('on-demand in a dearer region: that region’s price of the type, with its disk and IPv4', async () => {
    seedRun(RUN, 'training', { machine: { ...machine, spot: false } });
    const [run] = await service(sources).unfinishedPriced();
    const hour =
      EU_WEST_1.instanceHourly['g5.xlarge']! +
      EU_WEST_1.publicIpv4Hourly +
      (EU_WEST_1.ebsGbMonth.gp3! * DISK_GB) / HOURS_PER_MONTH;
    expect(run!.billing).toMatchObject({
      hourlyUsd: hour,
      market: 'on-demand',
      prices: expect.stringContaining('eu-west-1'),
    });
    expect(run!.billing!.upperBound).toBeUndefined();
  });

  it('the attempt that runs: a failover to another type and zone, a relaunch not yet connected', () => {
    // The machine a reattach would reach is what the launch got (a failover's type and zone).
    const snapshotOf = (attempts?: RunAttempt[]) => ({
      phases: {
        preflight: { status: 'succeeded', detail: { instanceType: 'g5.xlarge', market: 'spot', diskGb: 100 } },
        provisioning: {
          status: 'running',
          detail: { instanceType: 'g6.xlarge', market: 'on-demand', zone: 'eu-west-1c' },
        },
      } as never,
      ...(attempts ? { attempts } : {}),
    });
    const attach = {
      run: { aws: { region: 'eu-west-1' } },
      machine: { aws: { ...machine, instanceType: 'g5.2xlarge' } },
    };
    expect(unfinishedPlacement(snapshotOf(), attach as never)).toEqual({
      target: { region: 'eu-west-1' },
      instanceType: 'g5.2xlarge',
      market: 'spot',
      zone: 'eu-west-1b',
      diskGb: DISK_GB,
    });
    // Attempt 1 (the machine) was interrupted; attempt 2 launched on-demand elsewhere and had not connected.
    const attempts: RunAttempt[] = [
      {
        attempt: 1,
        instanceId: 'i-0spot',
        instanceType: 'g5.2xlarge',
        zone: 'eu-west-1b',
        market: 'spot',
        startedAt: 'a',
        endedAt: 'b',
        end: 'interrupted',
      },
      {
        attempt: 2,
        instanceId: 'i-0next',
        instanceType: 'g6.xlarge',
        zone: 'eu-west-1c',
        market: 'on-demand',
        startedAt: 'c',
      },
    ];
    expect(unfinishedPlacement(snapshotOf(attempts), attach as never)).toMatchObject({
      instanceType: 'g6.xlarge',
      market: 'on-demand',
      zone: 'eu-west-1c',
    });
    // Killed while provisioning, no machine yet: the provisioning's placement, the preflight's disk.
    expect(unfinishedPlacement(snapshotOf(), { run: attach.run } as never)).toEqual({
      target: { region: 'eu-west-1' },
      instanceType: 'g6.xlarge',
      market: 'on-demand',
      zone: 'eu-west-1c',
      diskGb: 100,
    });
  });

  it('before provisioning nothing bills; another backend is not priced', async () => {
    seedRun(RUN, 'preflight');
    const [run] = await service(sources).unfinishedPriced();
    expect(run).toMatchObject({ runId: RUN, phase: 'preflight' });
    expect(run!.billing).toBeUndefined();
  });
});

describe('faults: never $0, never an unbounded wait', () => {
  it('prices that do not come within the wait: "being read" at once, the figure on the next ask once they came', async () => {
    seedRun(RUN, 'training', { machine });
    let answer: (table: PriceTable) => void = () => {};
    let reads = 0;
    const stalled: BillingSources = {
      prices: () => {
        reads += 1;
        return new Promise<PriceTable>((resolve) => (answer = resolve));
      },
      spotNow: async () => ZONES,
    };
    const runs = service(stalled, 30);
    const [first] = await runs.unfinishedPriced();
    expect(first!.billing).toMatchObject({ hourlyUsd: null, pending: true, region: 'eu-west-1', market: 'spot' });
    // Asked again while the read goes on: one read, still "being read".
    const [again] = await runs.unfinishedPriced();
    expect(again!.billing).toMatchObject({ hourlyUsd: null, pending: true });
    expect(reads).toBe(1);
    answer(EU_WEST_1);
    await new Promise((resolve) => setImmediate(resolve));
    const [priced] = await runs.unfinishedPriced();
    expect(priced!.billing).toMatchObject({ hourlyUsd: SPOT_HOUR, zone: 'eu-west-1b' });
    expect(priced!.billing!.pending).toBeUndefined();
    // The synchronous listing (reattach's) has it too now.
    expect(runs.unfinished()[0]!.billing).toMatchObject({ hourlyUsd: SPOT_HOUR });
  });

  it('a price source that throws, an unpriced type, a spot read that fails: unknown or at most, said, never $0', async () => {
    const placement = {
      target: { region: 'eu-west-1' },
      instanceType: 'g5.xlarge',
      market: 'spot' as const,
      diskGb: 100,
    };
    const broken = await priceUnfinished(placement, {
      prices: () => Promise.reject(new Error('socket hang up\n    at TLSSocket')),
    });
    expect(broken).toMatchObject({ hourlyUsd: null, note: 'Its prices could not be read (socket hang up).' });
    const unpriced = await priceUnfinished({ ...placement, market: 'on-demand', instanceType: 'zz9.mega' }, sources);
    expect(unpriced.hourlyUsd).toBeNull();
    expect(unpriced.note).toBe('zz9.mega has no price in AWS prices of eu-west-1 of 2026-12-06.');
    const noSpot = await priceUnfinished(placement, {
      ...sources,
      spotNow: async () => ({ problem: 'AWS refused it.' }),
    });
    expect(noSpot).toMatchObject({ upperBound: true, note: expect.stringMatching(/^At most: priced on-demand/) });
    expect(noSpot.hourlyUsd).toBeGreaterThan(EU_WEST_1.instanceHourly['g5.xlarge']!);
  });

  it('without the monitor’s prices: the bundled table said so, spot at most on-demand; a disk not recorded is said', async () => {
    seedRun(RUN, 'provisioning', { preflight: { instanceType: 'g5.xlarge', market: 'spot' } });
    const [run] = await service().unfinishedPriced();
    expect(run!.billing).toMatchObject({
      market: 'spot',
      upperBound: true,
      prices: 'the bundled us-east-1 prices of 2025-06-15 (live prices of eu-west-1 unavailable)',
    });
    expect(run!.billing!.hourlyUsd).toBe(PRICE_TABLE.instanceHourly['g5.xlarge']! + PRICE_TABLE.publicIpv4Hourly);
    expect(run!.billing!.note).toContain('Its root disk is not counted: the run did not record its size.');
  });
});
