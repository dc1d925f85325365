import type { RunSnapshot } from '../domain/run';
import { hourlyCost } from '../pricing/estimate';
import { PRICE_TABLE, type PriceTable } from '../pricing/price-table';
import type { CostBurn } from './cost';

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
}

/**
 * $/h of an instance (table price, on-demand), its public IPv4 and its EBS volumes; null parts when
 * the table has no price for them. The rate the burn, the budget and its check of the config use.
 */
export function hourlyBurn(
  input: Pick<BurnInput, 'instanceType' | 'volumes' | 'hasPublicIp'>,
  table: PriceTable = PRICE_TABLE,
): { hourly: number | null; instance: number | null; ebs: number | null } {
  const instance = hourlyCost(
    { kind: 'instance', instanceType: input.instanceType, state: 'running', hasPublicIp: input.hasPublicIp ?? false },
    table,
  );
  let ebs: number | null = 0;
  for (const volume of input.volumes) {
    const price = hourlyCost({ kind: 'volume', volumeType: volume.volumeType, sizeGb: volume.sizeGb }, table);
    ebs = ebs === null || price === null ? null : ebs + price;
  }
  return { hourly: instance === null || ebs === null ? null : instance + ebs, instance, ebs };
}

/**
 * $/h of the instance (table price, on-demand: spot is cheaper, so this is an upper bound)
 * plus its EBS, the cost so far at that rate, and the projection at the ETA.
 */
export function computeBurn(input: BurnInput, fallback: PriceTable = PRICE_TABLE): CostBurn {
  const table = input.prices ?? fallback;
  const { hourly, instance, ebs } = hourlyBurn(input, table);
  const hours = Math.max(0, input.now - input.startedAt) / 3_600_000;
  const burn: CostBurn = {
    hourlyUsd: hourly,
    instanceHourlyUsd: instance,
    ebsHourlyUsd: ebs,
    soFarUsd: hourly === null ? null : hourly * hours,
    pricesAsOf: table.asOf,
    ...(table.origin ? { pricesOrigin: table.origin } : {}),
  };
  if (hourly !== null && input.etaSeconds !== undefined && Number.isFinite(input.etaSeconds)) {
    burn.projectedUsd = hourly * (hours + input.etaSeconds / 3600);
  }
  return burn;
}

// Provisioning steps before the instance exists: a key pair and a security group bill nothing.
const BEFORE_INSTANCE = new Set(['key-pair', 'security-group']);

/**
 * The burn of an EC2 run whose instance exists but whose monitor has not started pricing yet
 * (it does at training): from the instance's create on, not "—" while it boots and bills. The
 * instance type and disk come from the preflight's detail; the start is the provisioning phase's
 * (the launch begins there, so this errs high by the seconds of the key pair and security group).
 * Undefined before the instance's create, after a teardown ended, and for other backends.
 */
export function provisioningBurn(
  run: Pick<RunSnapshot, 'backend' | 'state' | 'phases'>,
  now: number,
  table: PriceTable = PRICE_TABLE,
): CostBurn | undefined {
  if (run.backend !== 'aws-ec2' || run.state !== 'running') return undefined;
  const { preflight, provisioning } = run.phases;
  const instanceType = preflight.detail?.instanceType;
  const diskGb = preflight.detail?.diskGb;
  if (typeof instanceType !== 'string' || !provisioning.startedAt) return undefined;
  if (run.phases['tearing-down'].status === 'succeeded') return undefined;
  const step = provisioning.detail?.step;
  const created =
    provisioning.status === 'succeeded' ||
    // A failed launch keeps its last step: an instance that was created bills until the teardown verifies.
    ((provisioning.status === 'running' || provisioning.status === 'failed') &&
      typeof step === 'string' &&
      !BEFORE_INSTANCE.has(step));
  if (!created) return undefined;
  return computeBurn(
    {
      instanceType,
      volumes: typeof diskGb === 'number' ? [{ volumeType: 'gp3', sizeGb: diskGb }] : [],
      startedAt: Date.parse(provisioning.startedAt),
      now,
      hasPublicIp: true,
    },
    table,
  );
}
