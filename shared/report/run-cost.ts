import type { ComputeBackendKind, RunSnapshot } from '../domain/run';
import type { CostItem, RunCost } from '../domain/run-cost';
import { computeBurn } from '../monitor/burn';
import { priceAttempt } from '../pricing/attempt-cost';
import { hourlyCost } from '../pricing/estimate';
import { PRICE_TABLE, type PriceTable } from '../pricing/price-table';
import type { SpotCharge, SpotPricing } from '../pricing/spot-history';
import { isOwnMachine } from './format';
import { reportData } from './report-data';
import { withBytes } from './report-text';
import { attemptDurationSeconds, attemptPriced, attemptsInOrder, type RunAttempt } from './run-attempts';

/** What the run was set up with: the compute section (aws-ec2) and where the bucket is. */
export interface RunCostSetup {
  backend: ComputeBackendKind;
  compute?: { instanceType: string; diskGb: number; market: 'on-demand' | 'spot' } | undefined;
  /** The instance's region (the config's aws.region). */
  instanceRegion: string;
  /** The bucket's region: EC2 ↔ S3 transfer is free only within one region. */
  bucketRegion: string;
  /** A spot instance priced from EC2's price history (main reads it); absent: the on-demand upper bound. */
  spot?: SpotPricing | undefined;
}

const HOUR_MS = 3_600_000;
// A table price as listed ("$1.006/h", "$0.005/h"): the quantity shows what was multiplied.
const rate = (hourly: number | null) => (hourly === null ? 'unknown' : `$${Number(hourly.toPrecision(4))}/h`);
// AWS gives every account 100 GB a month of transfer to the internet free (all services together).
const FREE_EGRESS_BYTES = 100 * 2 ** 30;

/**
 * The itemized cost of a run at the bundled table's prices. EC2: instance, root gp3 volume and
 * public IPv4 billed from the start of provisioning to the end of teardown (an upper bound: AWS
 * bills from launch to termination), same-region S3 transfer at $0, S3 requests. A spot
 * instance is priced from its price history over launch → termination when `setup.spot` has
 * it, else at the on-demand price (an upper bound). ssh-host and local: no compute is rented;
 * the pull leaves AWS, which is free within the monthly 100 GB.
 */
export function computeRunCost(
  run: RunSnapshot,
  setup: RunCostSetup,
  now: number,
  table: PriceTable = PRICE_TABLE,
): RunCost {
  const data = reportData(run.phases, run.sync);
  const pulled = data.pulled ?? { files: 0, bytes: 0 };
  const pushed = data.pushed ?? { files: 0 };
  const moved = `pulled ${withBytes(pulled.files, pulled.bytes)}; pushed ${withBytes(pushed.files, pushed.bytes)}`;
  const own = isOwnMachine(setup.backend);
  const notes: string[] = [];
  // A relaunched run is priced per attempt; a run launched once keeps its instance, disk and IPv4 lines.
  const launched = own ? [] : launchedAttempts(run);
  const perAttempt = launched.length > 1 && setup.compute !== undefined;
  // Launched once: priced as what ran (a capacity failover may have landed on another type or on-demand).
  setup = launched.length === 1 ? ranAs(setup, launched[0]!) : setup;
  const items: CostItem[] = own
    ? [ownMachineItem(setup.backend)]
    : perAttempt && setup.compute
      ? attemptItems(launched, setup.compute.diskGb, now, table, notes)
      : ec2Items(run, setup, now, table, notes);
  items.push(own ? egressItem(pulled.bytes, moved) : transferItem(setup, moved));
  const requests = requestsItem(pulled.files, data.pushed?.uploaded ?? pushed.files, table);
  if (requests) items.push(requests);
  const totalUsd = items.some((item) => item.usd === null)
    ? null
    : items.reduce((sum, item) => sum + (item.usd ?? 0), 0);
  if (!own && setup.instanceRegion !== table.baseRegion) {
    notes.push(`Prices are ${table.baseRegion}'s; ${setup.instanceRegion} is typically 0–30 % dearer.`);
  }
  return {
    items,
    totalUsd,
    pricesAsOf: table.asOf,
    ownMachine: own,
    upperBound: perAttempt
      ? items.some((item) => item.upperBound === true)
      : !own && setup.compute?.market === 'spot' && !exactSpot(setup.spot),
    notes,
  };
}

/**
 * The run's setup with the compute that ran: the attempt's instance type and market instead of the
 * configured ones. A spot price history read for the run prices only a spot instance: an on-demand
 * fallback is billed on-demand, never at a spot price.
 */
function ranAs(setup: RunCostSetup, attempt: RunAttempt): RunCostSetup {
  if (!setup.compute || !attempt.instanceType) return setup;
  const { spot, ...rest } = setup;
  return {
    ...rest,
    compute: { ...setup.compute, instanceType: attempt.instanceType, market: attempt.market },
    ...(attempt.market === 'spot' && spot ? { spot } : {}),
  };
}

// The attempts that launched an instance (also a launch that failed after its instance was created: it billed).
function launchedAttempts(run: RunSnapshot): RunAttempt[] {
  return attemptsInOrder(run.attempts ?? []).filter((a) => a.instanceId);
}

/**
 * One line per attempt: its instance at its own market and zone, with its root volume and public
 * IPv4 (each launch has its own, deleted with its instance), for its own duration, as priced when
 * it ended (the attempts event); an attempt not priced then is priced here, spot at the on-demand
 * upper bound. The run's instance cost is their sum; the gaps between attempts bill nothing.
 */
function attemptItems(
  attempts: RunAttempt[],
  diskGb: number,
  now: number,
  table: PriceTable,
  notes: string[],
): CostItem[] {
  notes.push(
    'Each attempt is billed for its own duration at its own market and zone, with the root volume and public IPv4 that lived and were deleted with its instance.',
  );
  return attempts.map((attempt) => {
    const cost =
      attempt.costUsd === undefined && !attempt.costNote ? priceAttempt(attempt, { diskGb, now, table }) : attempt;
    const seconds = attemptDurationSeconds(attempt, now);
    const where = attempt.zone ? `, ${attempt.zone}` : '';
    return {
      kind: 'instance',
      label: `Attempt ${attempt.attempt}: instance ${attempt.instanceType} (${attempt.market}${where}), disk and IPv4`,
      quantity: seconds === undefined ? 'duration unknown' : `${(seconds / 3600).toFixed(2)} h`,
      usd: attemptPriced(cost) ? cost.costUsd : null,
      ...(cost.costNote ? { note: cost.costNote } : {}),
      ...(cost.costUpperBound ? { upperBound: true } : {}),
    };
  });
}

function ownMachineItem(backend: ComputeBackendKind): CostItem {
  return {
    kind: 'own-machine',
    label: backend === 'local' ? 'Compute: this computer (local)' : 'Compute: your own machine (ssh-host)',
    quantity: 'nothing rented',
    usd: 0,
    note: 'No instance, volume or address was created in AWS.',
  };
}

// The billed window of the instance: provisioning start → teardown end (now if teardown never ended).
// A spot relaunch provisions again: the window starts with the first attempt (the gaps between
// attempts are counted, an upper bound, never less than what was billed).
function billedHours(run: RunSnapshot, now: number): number {
  const first = run.attempts?.[0]?.startedAt;
  const provisioning = run.phases.provisioning.startedAt;
  const from = first && provisioning && Date.parse(first) < Date.parse(provisioning) ? first : provisioning;
  if (!from) return 0;
  const to = run.phases['tearing-down'].endedAt ?? run.endedAt;
  return Math.max(0, (to ? Date.parse(to) : now) - Date.parse(from)) / HOUR_MS;
}

function ec2Items(run: RunSnapshot, setup: RunCostSetup, now: number, table: PriceTable, notes: string[]): CostItem[] {
  const compute = setup.compute;
  if (!compute) {
    return [
      {
        kind: 'instance',
        label: 'Instance',
        quantity: 'no compute section',
        usd: null,
        note: 'The run config had no compute section: nothing to price.',
      },
    ];
  }
  const hours = billedHours(run, now);
  const burn = computeBurn(
    {
      instanceType: compute.instanceType,
      volumes: [{ volumeType: 'gp3', sizeGb: compute.diskGb }],
      startedAt: 0,
      now: hours * HOUR_MS,
    },
    table,
  );
  const ipHourly = hourlyCost({ kind: 'address' }, table);
  const h = `${hours.toFixed(2)} h`;
  const times = (hourly: number | null) => (hourly === null ? null : hourly * hours);
  if (run.phases['tearing-down'].status === 'failed') {
    notes.push(
      'Teardown did not confirm every deletion: whatever is left keeps billing until it is deleted (traindeck teardown, or Tear down now).',
    );
  }
  return [
    compute.market === 'spot' && setup.spot?.source === 'history'
      ? spotHistoryItem(compute.instanceType, setup.spot.charge)
      : {
          kind: 'instance',
          label: `Instance ${compute.instanceType} (${compute.market})`,
          quantity: `${h} × ${rate(burn.instanceHourlyUsd)}`,
          usd: times(burn.instanceHourlyUsd),
          ...(compute.market === 'spot'
            ? {
                note: `Spot is billed at the market price, at most the on-demand price used here: an upper bound${setup.spot?.source === 'unavailable' ? ` (${setup.spot.reason})` : ''}.`,
              }
            : burn.instanceHourlyUsd === null
              ? { note: `${compute.instanceType} is not in the bundled price table.` }
              : {}),
        },
    {
      kind: 'ebs',
      label: `EBS gp3 root volume, ${compute.diskGb} GB`,
      quantity: `${compute.diskGb} GB × ${h}`,
      usd: times(burn.ebsHourlyUsd),
    },
    {
      kind: 'public-ipv4',
      label: 'Public IPv4 address',
      quantity: `1 × ${h} × ${rate(ipHourly)}`,
      usd: times(ipHourly),
    },
  ];
}

// Priced from the history of the instance's own zone: what AWS billed, not a bound.
function exactSpot(spot: SpotPricing | undefined): boolean {
  return spot?.source === 'history' && spot.charge.zonesCompared === undefined;
}

function spotHistoryItem(instanceType: string, charge: SpotCharge): CostItem {
  const points = `${charge.points} price point${charge.points === 1 ? '' : 's'}`;
  const where =
    charge.zonesCompared === undefined
      ? `in ${charge.zone}`
      : `in ${charge.zone}, the dearest of ${charge.zonesCompared} zones (the instance's zone was not recorded): at most this`;
  return {
    kind: 'instance',
    label: `Instance ${instanceType} (spot)`,
    quantity: `${charge.hours.toFixed(2)} h × avg ${rate(charge.avgHourlyUsd)}`,
    usd: charge.usd,
    note: `Spot, from the price history: avg ${rate(charge.avgHourlyUsd)} over ${points} ${where}; launch to termination.`,
  };
}

function transferItem(setup: RunCostSetup, moved: string): CostItem {
  if (setup.instanceRegion === setup.bucketRegion) {
    return {
      kind: 'transfer',
      label: 'Data transfer EC2 ↔ S3',
      quantity: moved,
      usd: 0,
      note: `Free: the instance and the bucket are both in ${setup.bucketRegion}.`,
    };
  }
  return {
    kind: 'transfer',
    label: 'Data transfer EC2 ↔ S3 (cross-region)',
    quantity: moved,
    usd: null,
    note: `The bucket is in ${setup.bucketRegion}, the instance in ${setup.instanceRegion}: inter-region transfer is billed per GB, not in the bundled table.`,
  };
}

function egressItem(pulledBytes: number | undefined, moved: string): CostItem {
  const base = { kind: 'transfer' as const, label: 'Data transfer S3 → your machine', quantity: moved };
  if (pulledBytes !== undefined && pulledBytes <= FREE_EGRESS_BYTES) {
    return {
      ...base,
      usd: 0,
      note: 'Within the 100 GB a month AWS transfers to the internet free (account-wide); pushes in are free.',
    };
  }
  return {
    ...base,
    usd: null,
    note: 'Transfer out of AWS beyond 100 GB a month is billed per GB, not in the bundled table.',
  };
}

function requestsItem(gets: number, puts: number, table: PriceTable): CostItem | undefined {
  const prices = table.s3RequestsPer1000;
  if (!prices) return undefined;
  return {
    kind: 's3-requests',
    label: 'S3 requests (estimate)',
    quantity: `${gets} GET + ${puts} PUT`,
    usd: (gets * prices.get + puts * prices.put) / 1000,
    note: 'One GET per pulled file and one PUT per pushed file; listings and checks add a few more.',
  };
}
