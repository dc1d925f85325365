import type { PriceTable } from '../pricing/price-table';

/** The AWS profiles of `~/.aws` by name only (never a key), and the defaults the SDK would use. */
export interface AwsProfiles {
  profiles: string[];
  defaultProfile: string;
  defaultRegion?: string;
}

/** Who the credentials of a profile belong to (STS GetCallerIdentity). */
export interface AwsIdentity {
  account: string;
  arn: string;
}

/** A region's prices for the wizard: the table (with its origin) and the current spot price of one type per zone. */
export interface RegionPrices {
  table: PriceTable;
  /** Newest spot price per zone of the type, cheapest first; absent when unknown (`spotProblem` says why). */
  spotZones?: SpotZonePrice[];
  spotProblem?: string;
}

/** One row of the instance type picker. */
export interface InstanceTypeOption {
  type: string;
  vcpus: number;
  memoryGiB: number;
  gpus: number;
  gpuModel?: string;
  /** On-demand $/hour in the region (its Price List prices, else the bundled table: see `aws.prices`); null: not priced there. */
  hourlyUsd: number | null;
  /** Offered in at least one zone of the region; undefined when it could not be checked (then `unknownBecause` says why). */
  offered?: boolean;
  /** Why `offered` is unknown, e.g. "no AWS credentials were found"; a sentence for the picker. */
  unknownBecause?: string;
  /** Newest spot price per zone (EC2's price history of the last day), cheapest first; absent: `spotUnknownBecause`. */
  spotZones?: SpotZonePrice[];
  /** Why the type's spot prices are unknown (no history, a denied call): a sentence. */
  spotUnknownBecause?: string;
}

/** The newest spot price of one type in one availability zone. */
export interface SpotZonePrice {
  zone: string;
  usdPerHour: number;
}

/** How a key file keeps the SSE-C key at rest: sealed with the OS keychain (Electron `safeStorage`), or plain bytes (mode 0600). */
export type KeyStorage = 'os-keychain' | 'file';

/** An SSE-C key file as the renderer may see it: its path and fingerprint, never its bytes. */
export interface KeyFileInfo {
  path: string;
  /** Of the raw key, so a sealed file and its exported plain copy show the same one. */
  fingerprint: string;
  storage: KeyStorage;
  /** This app can seal keys (an OS keychain is available here), so a plain key file could get a sealed copy. */
  canSeal: boolean;
  /** Why keys stay plain files although sealing was wanted (e.g. Linux without a keyring); absent when nothing needs saying. */
  note?: string;
}

/** A saved wizard: a name and the run config it produced. */
export interface RunTemplate {
  name: string;
  savedAt: string;
  /** The run config (validated by the shared schema when saved). */
  config: unknown;
}
