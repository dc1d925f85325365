import { homedir } from 'node:os';
import { join } from 'node:path';

import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';

import type {
  AwsIdentity,
  AwsProfiles,
  InstanceTypeOption,
  RegionPrices,
  SpotZonePrice,
} from '../../shared/domain/account';
import type { PreflightReport } from '../../shared/domain/preflight';
import { type RegionChoice, regionChoices } from '../../shared/domain/regions';
import { TypedError } from '../../shared/ipc/result';
import { instanceSpec } from '../../shared/pricing/instance-specs';
import { PRICE_TABLE } from '../../shared/pricing/price-table';
import type { RunConfig } from '../../shared/run-config/schema';
import { inspectAwsSetup } from '../aws/aws-config';
import { awsFailure, credentialsError, describeAwsError, regionRefusal } from '../aws/aws-errors';
import type { AwsPorts } from '../aws/ports/aws-ports';
import { resolveConfigPaths } from '../config/resolve-config-paths';
import { mapBounded } from '../lifecycle/cost/map-bounded';
import type { AwsTarget, LifecycleDeps } from '../lifecycle/lifecycle-deps';
import { preflightRunConfig } from '../lifecycle/preflight/preflight-run-config';
import { runConfigPrices } from '../lifecycle/pricing/price-source';
import { priceSourceOf } from '../lifecycle/pricing/price-source';
import { spotNow } from '../lifecycle/pricing/spot-now';
import type { KeyVault } from '../sync/key-vault';

/**
 * The launch wizard's view of AWS: profile names (never keys), identity, the instance type
 * catalog with offerings, and preflight. Paths in a run config from the window may start
 * with "~/"; they are expanded here, on the machine that reads them.
 */
export class AccountService {
  private readonly offerings = new Map<string, Promise<InstanceTypeOption[]>>();

  /** `keyVault` opens key files sealed by the desktop app for the preflight's key check. */
  constructor(
    private readonly deps: LifecycleDeps,
    private readonly keyVault?: KeyVault,
  ) {}

  async profiles(): Promise<AwsProfiles> {
    const env = this.deps.env;
    const files = await loadSharedConfigFiles({
      configFilepath: env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config'),
      filepath: env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials'),
      ignoreCache: true,
    });
    const names = [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])].sort();
    const setup = await inspectAwsSetup(env);
    return { profiles: names, defaultProfile: setup.profile, ...(setup.region ? { defaultRegion: setup.region } : {}) };
  }

  /** Who the credentials are, and (on the wizard's first step) whether the region is enabled for that account. */
  async identity(target: AwsTarget): Promise<AwsIdentity> {
    const signal = AbortSignal.timeout(20_000);
    let identity: AwsIdentity;
    try {
      identity = await this.deps.ports(target).identity.whoAmI({ signal });
    } catch (error) {
      throw (
        credentialsError(error, target.profile ?? this.deps.env.AWS_PROFILE) ??
        new TypedError('AWS', `Could not check the identity: ${describeAwsError(error)}`, {
          fix: 'Check the profile, the region and the network.',
        })
      );
    }
    if (!(await regionEnabled(this.deps.ports(target), target.region, signal))) {
      throw new TypedError('AWS', `${target.region} is not enabled for account ${identity.account}.`, {
        fix:
          'Enable it in the AWS console: account menu (top right) → Account → AWS Regions → ' +
          `${target.region} → Enable (it takes a few minutes), or choose another region.`,
      });
    }
    return identity;
  }

  /** Every priced type with its hardware; offerings are asked once per region and profile. */
  instanceTypes(target: AwsTarget): Promise<InstanceTypeOption[]> {
    const key = `${target.profile ?? ''}@${target.region}`;
    let cached = this.offerings.get(key);
    if (!cached) {
      cached = this.loadInstanceTypes(target);
      this.offerings.set(key, cached);
      cached.catch(() => this.offerings.delete(key));
    }
    return cached;
  }

  /**
   * Every known region with the console's name, marked enabled or not for the account. The list is
   * asked in `askIn` (any enabled region answers for all; absent: the AWS setup's region, else
   * us-east-1, which every account has); when it cannot be read the regions come unmarked with
   * the reason, so a picker still works without credentials.
   */
  async regions(target: { profile?: string; askIn?: string }): Promise<{ regions: RegionChoice[]; problem?: string }> {
    const askIn = target.askIn ?? (await inspectAwsSetup(this.deps.env)).region ?? 'us-east-1';
    const ports = this.deps.ports({ region: askIn, ...(target.profile ? { profile: target.profile } : {}) });
    try {
      const enabled = await ports.regions.listEnabledRegions({ signal: AbortSignal.timeout(20_000) });
      return { regions: regionChoices(enabled) };
    } catch (error) {
      const known = credentialsError(error, target.profile ?? this.deps.env.AWS_PROFILE);
      const why = known ? `${known.message} ${known.fix ?? ''}` : `${describeAwsError(error)}`;
      return {
        regions: regionChoices(undefined),
        problem: `Which regions your account has enabled is not known: ${why.trim().replace(/\.?$/, '.')}`,
      };
    }
  }

  async preflight(config: RunConfig): Promise<PreflightReport> {
    const resolved = resolveConfigPaths(config, homedir());
    const ports = this.deps.ports({
      region: config.aws.region,
      ...(config.aws.profile ? { profile: config.aws.profile } : {}),
    });
    return preflightRunConfig({
      baseDir: homedir(),
      ...(this.deps.openStore ? { openStore: this.deps.openStore } : {}),
      config: resolved,
      ports,
      publicIp: this.deps.publicIp,
      env: this.deps.env,
      clock: this.deps.clock,
      signal: AbortSignal.timeout(120_000),
      keyVault: this.keyVault,
      prices: runConfigPrices(this.deps, config.aws),
    });
  }

  /** The region's prices and the newest spot price per zone of `instanceType` (the last day's history). */
  async prices(target: AwsTarget, instanceType: string): Promise<RegionPrices> {
    const signal = AbortSignal.timeout(60_000);
    const [table, spot] = await Promise.all([
      priceSourceOf(this.deps).forRegion(target, signal),
      this.spotNow(target, instanceType, signal),
    ]);
    return 'spotZones' in spot ? { table, spotZones: spot.spotZones } : { table, spotProblem: spot.spotUnknownBecause };
  }

  // The newest spot price per zone of one type (the one home: spot-now.ts), as the picker's fields.
  private async spotNow(
    target: AwsTarget,
    instanceType: string,
    signal: AbortSignal,
  ): Promise<{ spotZones: SpotZonePrice[] } | { spotUnknownBecause: string }> {
    const where = { region: target.region, now: this.deps.clock.now() };
    const spot = await spotNow(this.deps.ports(target).ec2(target.region), instanceType, where, signal);
    return 'zones' in spot ? { spotZones: spot.zones } : { spotUnknownBecause: spot.problem };
  }

  private async loadInstanceTypes(target: AwsTarget): Promise<InstanceTypeOption[]> {
    const ec2 = this.deps.ports(target).ec2(target.region);
    const signal = AbortSignal.timeout(60_000);
    const prices = await priceSourceOf(this.deps).forRegion(target, signal);
    // The catalog is the bundled table's types; each is priced by the region's own prices (null: not priced there).
    const types = Object.keys(PRICE_TABLE.instanceHourly).flatMap((type) => {
      const spec = instanceSpec(type);
      return spec ? [{ type, hourlyUsd: prices.instanceHourly[type] ?? null, ...spec }] : [];
    });
    return mapBounded(types, 8, async (option): Promise<InstanceTypeOption> => {
      const [offered, spot] = await Promise.all([
        ec2.offeredZones(option.type, { signal }).then(
          (zones) => ({ offered: zones.length > 0 }),
          // "unknown" always comes with why (no credentials, a denied call, the network).
          (error: unknown) => ({ unknownBecause: awsFailure(error, { signal }).message }),
        ),
        this.spotNow(target, option.type, signal),
      ]);
      return { ...option, ...offered, ...spot };
    });
  }
}

/**
 * False only when AWS says the region is not enabled for the account: missing from the enabled
 * regions, or a call there refused as not opted in. Any other answer (a denied DescribeRegions,
 * the network) is not evidence, so the region counts as enabled and preflight decides.
 */
async function regionEnabled(ports: AwsPorts, region: string, signal: AbortSignal): Promise<boolean> {
  const [listed, probe] = await Promise.all([
    ports.regions.listEnabledRegions({ signal }).then(
      (regions) => regions.includes(region),
      () => true,
    ),
    // async: a port that throws at once (an unknown region's endpoint) is an answer like any other.
    (async () => ports.ec2(region).listOurKeyPairs({ signal }))().then(
      () => true,
      (error: unknown) => regionRefusal(error) !== 'not opted in',
    ),
  ]);
  return listed && probe;
}
