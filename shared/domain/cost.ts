import type { TagMap } from './tags';

/** Every kind of resource the scanner lists. Key pairs and security groups cost nothing; only ours are listed. */
export const RESOURCE_KINDS = [
  'instance',
  'volume',
  'snapshot',
  'address',
  'nat-gateway',
  'load-balancer',
  'key-pair',
  'security-group',
] as const;
/** One of {@link RESOURCE_KINDS}. */
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** One resource found in the account, with what it costs. */
export interface CostResource {
  kind: ResourceKind;
  region: string;
  id: string;
  /** Instance type, volume type and size ("gp3 100 GB"), "IPv4", load balancer type… */
  type: string;
  /** The state as AWS reports it (running, available, in-use, completed…). */
  state: string;
  /** When it was created, ISO 8601, when AWS says. */
  createdAt?: string;
  /** Hours since creation at scan time. */
  ageHours?: number;
  tags: TagMap;
  /** Tagged by TrainDeck (else: untracked, only touched with explicit confirmation). */
  ours: boolean;
  runId?: string;
  /** Estimated $/hour; null when the price table has no entry (shown as unknown, never as 0). */
  hourlyUsd: number | null;
  /** Why it still exists or what blocks it (e.g. "used by AMI ami-…"); for a spot instance, which price. */
  note?: string;
  /** `hourlyUsd` is at most this, not this (a spot instance priced on-demand or at the dearest zone). */
  upperBound?: boolean;
}

/** How one region answered. A refused region is reported, never fatal. */
export interface RegionScan {
  region: string;
  status: 'ok' | 'refused' | 'error';
  /** Why a region was refused or failed, e.g. "not opted in" or "no permission (ec2:DescribeInstances)". */
  reason?: string;
  resourceCount: number;
  durationMs: number;
}

/** A full scan: every region asked, every resource found, and the total burn rate. */
export interface ScanResult {
  scannedAt: string;
  regions: RegionScan[];
  resources: CostResource[];
  totalHourlyUsd: number;
  /** Resources whose price is unknown (not in the total). */
  unpricedCount: number;
  /** The date of the bundled price table (the fallback). */
  priceTableDate: string;
  /** Which prices priced the scan: AWS's per region (dated), or the bundled table and why; absent from older scans. */
  pricesNote?: string;
}

/** True for resources that bill while they exist; key pairs and security groups do not. */
export function isBillable(resource: CostResource): boolean {
  return resource.kind !== 'key-pair' && resource.kind !== 'security-group';
}

/** Sum of the known hourly costs, and how many resources have no price. */
export function totalHourly(resources: CostResource[]): { totalHourlyUsd: number; unpricedCount: number } {
  let total = 0;
  let unpriced = 0;
  for (const resource of resources) {
    if (resource.hourlyUsd === null) unpriced++;
    else total += resource.hourlyUsd;
  }
  return { totalHourlyUsd: Math.round(total * 10_000) / 10_000, unpricedCount: unpriced };
}
