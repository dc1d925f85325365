import type { RunSnapshot } from '../domain/run';
import { hourlyCost } from '../pricing/estimate';
import { PRICE_TABLE, type PriceTable } from '../pricing/price-table';
import { type SpotNowAnswer, spotNowPrice } from '../pricing/spot-now-price';
import { earlierAttemptsCost } from '../report/run-attempts';
import type { CostBurn, EarlierAttemptsCost } from './cost';

/** What the burn rate is computed from: the run's instance and its volumes. */
export interface BurnInput {
  instanceType: string;
  /** EBS volumes attached to the instance. */
  volumes: { volumeType: string; sizeGb: number }[];
  /** Epoch ms the instance started billing (launch time). */
  startedAt: number;
  /** Epoch ms now (from the injected clock). */
  now: number;
  /** Seconds of training left, when the progress has an ETA. */
  etaSeconds?: number;
  /** A public IPv4 bills too. */
  hasPublicIp?: boolean;
  /** The prices of the run's region (main's price source); absent: the table given to {@link computeBurn}. */
  prices?: PriceTable;
  /** A spot instance is priced as the Costs page prices it (spot-now-price.ts); absent: on-demand. */
  market?: 'spot' | 'on-demand';
  /** The instance's availability zone (its spot price). */
  zone?: string;
  /** The type's newest spot price per zone (main's spot-now.ts); absent for spot: being read, on-demand at most meanwhile. */
  spot?: SpotNowAnswer;
  /** What the run's earlier attempts cost (a relaunched spot run): the run's cost so far includes them. */
  earlier?: EarlierAttemptsCost;
  /**
   * Spot prices read before `spot`, oldest first, each in force until `until` (epoch ms): the cost so
   * far prices each period at the price in force then (the first from `startedAt`), `spot` after the last.
   */
  spotBefore?: SpotPeriod[];
}

/** A spot price read, in force until a newer read replaced it. */
export interface SpotPeriod {
  until: number;
  spot: SpotNowAnswer;
}

// Why a spot instance that is still starting is priced at most on-demand (provisioningBurn).
const SPOT_READ_AT_TRAINING = 'Its spot price is read once the instance trains.';

// Said in the note for the few seconds before the spot price arrives (the budget waits for the real answer to say so).
const SPOT_BEING_READ = 'The spot price is being read.';

/** What {@link hourlyBurn} found: $/h in parts (null: not priced) and, for spot, how its price was found. */
export interface HourlyBurn {
  hourly: number | null;
  instance: number | null;
  ebs: number | null;
  /** The instance's $/h is at most this (a spot instance priced on-demand or at the dearest zone). */
  upperBound: boolean;
  /** For a spot instance: which price, or why the on-demand price stands in (spot-now-price.ts). */
  note?: string;
}

/**
 * $/h of an instance with its public IPv4, and of its EBS volumes; null parts when the table has no
 * price for them. On-demand at the table's price; spot as the Costs page prices a running spot
 * instance (its zone's price now, else at most the dearest zone's or the on-demand price, with why).
 * The rate the burn, the budget and its check of the config use.
 */
export function hourlyBurn(
  input: Pick<BurnInput, 'instanceType' | 'volumes' | 'hasPublicIp' | 'market' | 'zone' | 'spot'>,
  table: PriceTable = PRICE_TABLE,
): HourlyBurn {
  const onDemand = hourlyCost(
    { kind: 'instance', instanceType: input.instanceType, state: 'running', hasPublicIp: input.hasPublicIp ?? false },
    table,
  );
  const spot =
    input.market === 'spot'
      ? spotNowPrice({
          instanceType: input.instanceType,
          zone: input.zone,
          spot: input.spot ?? { problem: SPOT_BEING_READ },
          onDemandHourly: table.instanceHourly[input.instanceType] ?? null,
          ipv4Hourly: input.hasPublicIp ? table.publicIpv4Hourly : 0,
        })
      : undefined;
  const instance = spot ? spot.hourlyUsd : onDemand;
  let ebs: number | null = 0;
  for (const volume of input.volumes) {
    const price = hourlyCost({ kind: 'volume', volumeType: volume.volumeType, sizeGb: volume.sizeGb }, table);
    ebs = ebs === null || price === null ? null : ebs + price;
  }
  return {
    hourly: instance === null || ebs === null ? null : instance + ebs,
    instance,
    ebs,
    upperBound: spot?.upperBound ?? false,
    ...(spot ? { note: spot.note } : {}),
  };
}

/**
 * $/h of the instance ({@link hourlyBurn}: spot at the Costs page's price) plus its EBS, the cost so
 * far at that rate (with the earlier attempts' of a relaunched run), and the projection at the ETA.
 * `upperBound` when a part is at most its figure; `soFarUsd` is null when an earlier attempt is unpriced.
 */
export function computeBurn(input: BurnInput, fallback: PriceTable = PRICE_TABLE): CostBurn {
  const table = input.prices ?? fallback;
  const { hourly, instance, ebs, upperBound, note } = hourlyBurn(input, table);
  const spent = spentSoFar(input, table, hourly);
  const earlier = input.earlier;
  const earlierUsd = earlier ? earlier.usd : 0;
  const burn: CostBurn = {
    hourlyUsd: hourly,
    instanceHourlyUsd: instance,
    ebsHourlyUsd: ebs,
    soFarUsd: spent.usd === null || earlierUsd === null ? null : earlierUsd + spent.usd,
    ...(spent.upperBound && !upperBound ? { soFarUpperBound: true } : {}),
    pricesAsOf: table.asOf,
    ...(table.origin ? { pricesOrigin: table.origin } : {}),
    ...(upperBound ? { upperBound: true } : {}),
    ...(note ? { instanceNote: note } : {}),
    ...(input.market === 'spot' && !input.spot ? { spotPending: true } : {}),
    ...(earlier ? { earlier } : {}),
  };
  if (hourly !== null && input.etaSeconds !== undefined && Number.isFinite(input.etaSeconds)) {
    if (burn.soFarUsd !== null) burn.projectedUsd = burn.soFarUsd + (hourly * input.etaSeconds) / 3600;
  }
  return burn;
}

/**
 * This attempt's cost since its start: each spot period at the price in force then (`spotBefore`),
 * the time since the last read at `hourly`. Null when a period has no price; an upper bound when one
 * was priced at most (a read that failed: on-demand).
 */
function spentSoFar(
  input: BurnInput,
  table: PriceTable,
  hourly: number | null,
): { usd: number | null; upperBound: boolean } {
  let from = input.startedAt;
  let usd: number | null = 0;
  let upperBound = false;
  for (const period of input.market === 'spot' ? (input.spotBefore ?? []) : []) {
    const until = Math.min(Math.max(period.until, from), input.now);
    const rate = hourlyBurn({ ...input, spot: period.spot }, table);
    if (rate.hourly === null) return { usd: null, upperBound };
    usd += (rate.hourly * (until - from)) / 3_600_000;
    upperBound ||= rate.upperBound;
    from = until;
  }
  if (hourly === null) return { usd: null, upperBound };
  return { usd: usd + (hourly * Math.max(0, input.now - from)) / 3_600_000, upperBound };
}

// A verified teardown that ended before this provisioning began was a spot relaunch's (of the
// interrupted instance): the new attempt's instance bills again.
function tornDown(teardown: RunSnapshot['phases']['tearing-down'], provisioningStartedAt: string): boolean {
  if (teardown.status !== 'succeeded') return false;
  return !(teardown.endedAt && Date.parse(teardown.endedAt) <= Date.parse(provisioningStartedAt));
}

// Provisioning steps before the instance exists: a key pair and a security group bill nothing.
const BEFORE_INSTANCE = new Set(['key-pair', 'security-group']);

/** Where a run's instance runs: its type, market and zone (a capacity failover may have changed all three). */
export interface RunPlacement {
  instanceType: string;
  market?: 'spot' | 'on-demand';
  zone?: string;
}

/**
 * What a run's instance is, as best known now: the running attempt's placement (what the launch got),
 * else what the provisioning reported once it launched (detail `instanceType`, `market`, `zone`), else
 * the configured type and market of the preflight (before the launch says where it landed). A failover
 * to an alternative type, a spot capacity error that fell back to on-demand, or another zone is then
 * priced as what runs, never as what was asked for. Undefined when none of them names a type.
 */
export function runPlacement(run: Pick<RunSnapshot, 'phases' | 'attempts'>): RunPlacement | undefined {
  const running = run.attempts?.at(-1);
  if (running && running.end === undefined && running.instanceType) {
    return {
      instanceType: running.instanceType,
      market: running.market,
      ...(running.zone ? { zone: running.zone } : {}),
    };
  }
  for (const detail of [run.phases.provisioning.detail, run.phases.preflight.detail]) {
    if (typeof detail?.instanceType !== 'string') continue;
    const market = detail.market === 'spot' || detail.market === 'on-demand' ? detail.market : undefined;
    return {
      instanceType: detail.instanceType,
      ...(market ? { market } : {}),
      ...(typeof detail.zone === 'string' && detail.zone ? { zone: detail.zone } : {}),
    };
  }
  return undefined;
}

/**
 * The burn of an EC2 run whose instance exists but whose monitor has not started pricing yet
 * (it does at training): from the instance's create on, not "—" while it boots and bills. The
 * instance is what runs ({@link runPlacement}: the attempt's type, market and zone once the launch
 * landed, the configured ones before), the disk the preflight's; the start is the provisioning
 * phase's (the launch begins there, so this errs high by the seconds of the key pair and security
 * group). A spot instance is priced at its on-demand price, marked an upper bound with why (its spot
 * price is read by the monitor). A relaunched run's cost so far counts its earlier attempts.
 * Undefined before the instance's create, after a teardown ended, and for other backends.
 */
export function provisioningBurn(
  run: Pick<RunSnapshot, 'backend' | 'state' | 'phases'> & Partial<Pick<RunSnapshot, 'attempts'>>,
  now: number,
  table: PriceTable = PRICE_TABLE,
): CostBurn | undefined {
  if (run.backend !== 'aws-ec2' || run.state !== 'running') return undefined;
  const { preflight, provisioning } = run.phases;
  const placement = runPlacement(run);
  const diskGb = preflight.detail?.diskGb;
  if (!placement || !provisioning.startedAt) return undefined;
  if (tornDown(run.phases['tearing-down'], provisioning.startedAt)) return undefined;
  const step = provisioning.detail?.step;
  const created =
    provisioning.status === 'succeeded' ||
    // A failed launch keeps its last step: an instance that was created bills until the teardown verifies.
    ((provisioning.status === 'running' || provisioning.status === 'failed') &&
      typeof step === 'string' &&
      !BEFORE_INSTANCE.has(step));
  if (!created) return undefined;
  // A spot instance is not priced at its spot price until the monitor reads it (at training): until
  // then its on-demand price stands in, an upper bound ("≤", with why), never as what it bills.
  const spot = placement.market === 'spot';
  const earlier = earlierAttemptsCost(run.attempts ?? []);
  return computeBurn(
    {
      instanceType: placement.instanceType,
      volumes: typeof diskGb === 'number' ? [{ volumeType: 'gp3', sizeGb: diskGb }] : [],
      startedAt: Date.parse(provisioning.startedAt),
      now,
      hasPublicIp: true,
      ...(spot
        ? {
            market: 'spot' as const,
            ...(placement.zone ? { zone: placement.zone } : {}),
            spot: { problem: SPOT_READ_AT_TRAINING },
          }
        : {}),
      ...(earlier ? { earlier } : {}),
    },
    table,
  );
}
