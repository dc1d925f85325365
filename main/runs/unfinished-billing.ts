import type { RunSnapshot } from '../../shared/domain/run';
import type { UnfinishedBilling } from '../../shared/ipc/run-commands';
import { hourlyBurn, runPlacement } from '../../shared/monitor/burn';
import { PRICE_TABLE, priceOriginPhrase, type PriceTable } from '../../shared/pricing/price-table';
import type { SpotNowAnswer } from '../../shared/pricing/spot-now-price';
import type { SpotNowReader } from './monitor-observer';
import type { AttachState } from './reattach/attach-journal';

/**
 * What the reattach banner says an unfinished EC2 run still bills: its instance priced as the monitor
 * prices a running one (shared/monitor/burn.ts's `hourlyBurn`, the region's prices from main's price
 * source, spot at its zone's price now), never the bundled us-east-1 on-demand figure by default.
 */

/** How long the banner's answer waits for a run's prices; past it, "being read" (the read goes on, the next ask has it). */
export const BILLING_WAIT_MS = 3_000;
/** How long a priced answer is reused: a spot price moves, the monitor reads it again about as often. */
const BILLING_FRESH_MS = 5 * 60_000;

/** Where an unfinished EC2 run's instance runs, as its journals last recorded it. */
export interface UnfinishedPlacement {
  target: { region: string; profile?: string };
  instanceType: string;
  market: 'spot' | 'on-demand';
  zone?: string;
  /** Its gp3 root volume (the only volume TrainDeck creates); absent when the run did not record it. */
  diskGb?: number;
}

/** Where prices come from: the monitor's own readers (main's price source and spot-now.ts); each bounded, never throwing. */
export interface BillingSources {
  /** The region's prices (live, cached, or the bundled table said so); absent: the bundled table. */
  prices?(target: { region: string; profile?: string }): Promise<PriceTable>;
  /** A type's spot price now per zone; absent: a spot instance is priced at most on-demand, with why. */
  spotNow?: SpotNowReader;
}

/**
 * The attempt that runs: the machine a reattach would reach (its attach journal: type, market, zone,
 * disk, as the launch got them), unless the run's events show a later attempt (a relaunch that had not
 * connected yet), else what the provisioning or the preflight said ({@link runPlacement}).
 */
export function unfinishedPlacement(
  snapshot: Pick<RunSnapshot, 'phases' | 'attempts'>,
  attach: AttachState,
): UnfinishedPlacement | undefined {
  const machine = attach.machine?.aws;
  const region = machine?.region ?? attach.run?.aws.region;
  if (!region) return undefined;
  const profile = machine?.profile ?? attach.run?.aws.profile;
  const last = snapshot.attempts?.at(-1);
  const machineRuns = machine && (!last || (last.instanceId === machine.instanceId && last.end === undefined));
  const placed = machineRuns
    ? { instanceType: machine.instanceType, market: machine.spot ? 'spot' : 'on-demand', zone: machine.zone }
    : runPlacement(snapshot);
  if (!placed) return undefined;
  const planned = snapshot.phases.preflight.detail?.diskGb;
  const diskGb = machine?.diskGb ?? (typeof planned === 'number' ? planned : undefined);
  return {
    target: { region, ...(profile ? { profile } : {}) },
    instanceType: placed.instanceType,
    // A run that did not record its market launched on-demand (spot is recorded since it exists).
    market: placed.market === 'spot' ? 'spot' : 'on-demand',
    ...(placed.zone ? { zone: placed.zone } : {}),
    ...(diskGb !== undefined ? { diskGb } : {}),
  };
}

/** Prices one placement with its public IPv4 and root disk. Never throws: a failed read is "unknown", never $0. */
export async function priceUnfinished(
  placement: UnfinishedPlacement,
  sources: BillingSources,
): Promise<UnfinishedBilling> {
  const { target, instanceType, market, zone, diskGb } = placement;
  const where = { region: target.region, market, ...(zone ? { zone } : {}) };
  try {
    const [table, spot] = await Promise.all([
      sources.prices ? sources.prices(target) : bundled(target.region),
      market === 'spot' ? spotOf(placement, sources) : undefined,
    ]);
    const rate = hourlyBurn(
      {
        instanceType,
        volumes: diskGb === undefined ? [] : [{ volumeType: 'gp3', sizeGb: diskGb }],
        hasPublicIp: true,
        market,
        ...(zone ? { zone } : {}),
        ...(spot ? { spot } : {}),
      },
      table,
    );
    const prices = priceOriginPhrase(table);
    const notes = [
      rate.note,
      rate.instance === null ? `${instanceType} has no price in ${prices}.` : undefined,
      rate.ebs === null ? `Its gp3 disk has no price in ${prices}.` : undefined,
      diskGb === undefined ? 'Its root disk is not counted: the run did not record its size.' : undefined,
    ].filter(Boolean);
    return {
      ...where,
      hourlyUsd: rate.hourly,
      ...(rate.upperBound && rate.hourly !== null ? { upperBound: true } : {}),
      prices,
      ...(notes.length ? { note: notes.join(' ') } : {}),
    };
  } catch (error) {
    const why = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\.$/, '');
    return { ...where, hourlyUsd: null, note: `Its prices could not be read (${why}).` };
  }
}

/**
 * Each unfinished run's billing, read once and kept {@link BILLING_FRESH_MS}: the banner's answer waits
 * at most {@link BILLING_WAIT_MS} for a read (prices of a region not asked before may take the Price
 * List's own limit), then says "being read" while the read goes on; the next ask has its answer.
 */
export class UnfinishedBillings {
  private readonly reads = new Map<string, Read>();

  constructor(
    private readonly sources: BillingSources,
    private readonly now: () => number,
    private readonly waitMs = BILLING_WAIT_MS,
  ) {}

  /** The last answer for this run at this placement, without waiting (undefined: none yet). */
  known(runId: string, placement: UnfinishedPlacement): UnfinishedBilling | undefined {
    const read = this.reads.get(runId);
    return read?.key === keyOf(placement) ? (read.billing ?? read.before) : undefined;
  }

  /** The run's billing within the wait; "being read" (pending, never $0) when its read takes longer. */
  async price(runId: string, placement: UnfinishedPlacement): Promise<UnfinishedBilling> {
    const read = this.readOf(runId, placement);
    if (read.billing) return read.billing;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.waitMs);
    });
    const billing = await Promise.race([read.done, waited]).finally(() => clearTimeout(timer));
    return billing ?? read.before ?? beingRead(placement);
  }

  /** Forgets the runs no longer unfinished. */
  keepOnly(runIds: Set<string>): void {
    for (const runId of this.reads.keys()) if (!runIds.has(runId)) this.reads.delete(runId);
  }

  private readOf(runId: string, placement: UnfinishedPlacement): Read {
    const key = keyOf(placement);
    const known = this.reads.get(runId);
    const fresh = known?.key === key && (!known.billing || this.now() - known.at < BILLING_FRESH_MS);
    if (known && fresh) return known;
    const read: Read = {
      key,
      at: this.now(),
      done: priceUnfinished(placement, this.sources),
      // A stale answer of the same placement stands in while the new read goes on.
      ...(known?.key === key && known.billing ? { before: known.billing } : {}),
    };
    void read.done.then((billing) => {
      read.billing = billing;
      read.at = this.now();
    });
    this.reads.set(runId, read);
    return read;
  }
}

interface Read {
  key: string;
  at: number;
  done: Promise<UnfinishedBilling>;
  billing?: UnfinishedBilling;
  before?: UnfinishedBilling;
}

const keyOf = (p: UnfinishedPlacement) =>
  [p.target.profile ?? '', p.target.region, p.instanceType, p.market, p.zone ?? '', p.diskGb ?? ''].join('|');

function beingRead(placement: UnfinishedPlacement): UnfinishedBilling {
  return {
    region: placement.target.region,
    market: placement.market,
    ...(placement.zone ? { zone: placement.zone } : {}),
    hourlyUsd: null,
    pending: true,
    note: `The prices of ${placement.target.region} are being read.`,
  };
}

async function bundled(region: string): Promise<PriceTable> {
  return {
    ...PRICE_TABLE,
    origin: {
      source: 'bundled',
      region,
      asOf: PRICE_TABLE.asOf,
      problem: 'This TrainDeck does not read AWS prices.',
    },
  };
}

async function spotOf(placement: UnfinishedPlacement, sources: BillingSources): Promise<SpotNowAnswer> {
  if (!sources.spotNow) return { problem: 'This TrainDeck does not read spot prices.' };
  return sources.spotNow(placement.target, placement.instanceType);
}
