import { failoverOrder } from '../../../shared/domain/capacity-failover';
import { type PreflightCheck, type PreflightReport, preflightReport } from '../../../shared/domain/preflight';
import type { PriceTable } from '../../../shared/pricing/price-table';
import type { ComputeConfig, RunConfig } from '../../../shared/run-config/schema';
import { describeAwsError } from '../../aws/aws-errors';
import type { AwsPorts } from '../../aws/ports/aws-ports';
import type { ImageInfo } from '../../aws/ports/ec2-launch-port';
import type { ObjectStore } from '../../aws/ports/object-store';
import type { Clock } from '../../core/clock';
import type { KeyVault } from '../../sync/key-vault';
import type { SseKey } from '../../sync/sse-key';
import { instanceProfileSpec } from '../provision/instance-policy';
import { checkInstanceRole } from '../provision/instance-role-check';
import type { LaunchCandidate } from '../provision/launch-with-failover';
import { accountChecks } from './account-checks';
import { alternativeChecks, type ResolvedAlternative } from './alternative-checks';
import { bucketChecks } from './bucket-checks';
import { budgetPriceCheck } from './budget-price-check';
import { awsCallCheck, check, skipped } from './check';
import { amiCheck, computeSkipped, instanceTypeChecks, type Placement, quotaCheck } from './compute-checks';
import { dataChecks } from './data-checks';
import { bytesToPull, ec2DiskRoom } from './disk-room';
import { onDemandFallbackCheck } from './fallback-checks';
import type { PublicIpPort } from './public-ip';

/** Everything provisioning needs, resolved by a preflight in which every check passed. */
export interface LaunchPlan {
  region: string;
  account: string;
  compute: ComputeConfig;
  placement: Placement;
  image: ImageInfo;
  sshUser: string;
  /** The only source allowed to reach port 22. */
  sshCidr: string;
  bucket: string;
  prefix: string;
  /**
   * Every placement the launch may try, in the documented failover order (zones, then
   * alternative types, then on-demand); absent in a plan built by hand: `placement` only.
   */
  candidates?: LaunchCandidate[];
}

/** Inputs of {@link runPreflight}. */
export interface PreflightInput {
  config: RunConfig;
  ports: AwsPorts;
  publicIp: PublicIpPort;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  signal?: AbortSignal;
  /** Opens SSE-C key files sealed by the desktop app; without it only plain key files load. */
  keyVault?: KeyVault | undefined;
  /**
   * The sync engine's store of the run's prefix: with it, the preflight checks the key's
   * identity and the datasets the run will pull (the same checks every sync makes).
   */
  objectStore?: ObjectStore | undefined;
  /**
   * The region's prices (the Price List, else the bundled table): with them and a
   * `training.maxCostUsd`, the preflight says whether the budget can stop the run.
   */
  prices?: ((signal?: AbortSignal) => Promise<PriceTable>) | undefined;
}

const AWS_CHECKS: Array<[string, string]> = [
  ['identity', 'Identity'],
  ['bucket', 'Bucket'],
  ['versioning', 'Versioning'],
  ['sse-c', 'SSE-C'],
  ['instance-type', 'Instance type'],
  ['quota', 'vCPU quota'],
  ['ami', 'AMI'],
  ['ssh-source', 'SSH source'],
  ['instance-role', 'Instance role'],
];

/**
 * Checks everything a launch needs, creating nothing (the SSE-C probe object is deleted at
 * once). Local problems (profile, region name, key file) stop it before any network call;
 * a failed identity stops it before any other AWS call. A plan is returned only when no
 * check failed.
 */
export async function runPreflight(input: PreflightInput): Promise<{ report: PreflightReport; plan?: LaunchPlan }> {
  const { config, ports } = input;
  const options = input.signal ? { signal: input.signal } : {};
  const finish = (checks: PreflightCheck[], plan?: LaunchPlan) => {
    const report = preflightReport(new Date(input.clock.now()).toISOString(), checks);
    return report.ok && plan ? { report, plan } : { report };
  };
  const compute = config.compute;
  if (!compute) {
    return finish([
      check(
        'compute',
        'Compute',
        'fail',
        'the run config has no "compute" section',
        'Add "compute": { "instanceType": "g5.xlarge", "ttlMinutes": 240 } to the run config.',
      ),
    ]);
  }
  const ttl = check(
    'ttl',
    'Time to live',
    'pass',
    `the instance powers itself off after ${compute.ttlMinutes} min${compute.shutdownAfterPush ? ', or right after the final push' : ''}`,
  );
  const ready = await accountChecks(input, [ttl, prefixCheck(config.storage.prefix)], AWS_CHECKS);
  if ('report' in ready) return ready;
  const { checks, account } = ready;

  const region = config.aws.region;
  const ec2 = ports.ec2(region);
  const [bucket, type, source, role] = await Promise.all([
    bucketAndDataChecks(input, ready.sseKey, ready.probeName),
    instanceTypeChecks(compute, region, ec2, options).catch((error: unknown) => ({
      checks: [awsCallCheck('instance-type', 'Instance type', 'fail', error, options)],
      info: undefined,
      placement: undefined,
    })),
    sshSource(compute, input.publicIp, options),
    roleCheck(config.storage, ports, options),
  ]);
  checks.push(...bucket.checks, ...type.checks);
  let ami: Awaited<ReturnType<typeof amiCheck>> | undefined;
  let alternatives: ResolvedAlternative[] = [];
  if (type.info) {
    const [quota, resolved, others] = await Promise.all([
      quotaCheck(compute, region, type.info, ec2, ports.quotas(region), options).catch((error: unknown) =>
        awsCallCheck('quota', 'vCPU quota', 'warn', error, { ...options, context: 'could not check' }),
      ),
      amiCheck(compute, region, type.info, ec2, ports.parameters(region), options).catch((error: unknown) => ({
        check: awsCallCheck('ami', 'AMI', 'fail', error, options),
      })),
      alternativeChecks(
        compute,
        region,
        { ec2, quotas: ports.quotas(region), parameters: ports.parameters(region) },
        options,
      ),
    ]);
    ami = resolved;
    alternatives = others.resolved;
    checks.push(quota, resolved.check, ...others.checks);
    // Spot with fallbackOnDemand: the same types on-demand, within the on-demand quotas.
    const fallback = await onDemandFallbackCheck(
      compute,
      region,
      [{ instanceType: compute.instanceType, info: type.info }, ...alternatives],
      { ec2, quotas: ports.quotas(region) },
      options,
    );
    if (fallback) checks.push(fallback);
  } else checks.push(...computeSkipped(`${compute.instanceType} is not usable in ${region}`));
  checks.push(source.check, role);
  const budget = await budgetCheck(input, compute);
  if (budget) checks.push(budget);
  // Disk room: what the run pulls (sizes from a listing) against the disk it asks for, before anything is created.
  if (input.objectStore && ami?.image && !bucket.checks.some((c) => c.status === 'fail')) {
    const imageGb = ami.image.rootSizeGb ?? 0;
    checks.push(
      await bytesToPull(config, input.objectStore, input.signal).then(
        (figures) => ec2DiskRoom(config, imageGb, figures),
        (error: unknown) =>
          check(
            'disk',
            'Disk room',
            'warn',
            `could not list what the run pulls: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`,
            'The executor checks the room again before it pulls; run the preflight again to see the figures now.',
          ),
      ),
    );
  }

  const plan =
    type.placement && type.info && ami?.image && ami.sshUser && source.cidr
      ? {
          region,
          account,
          compute,
          placement: type.placement,
          image: ami.image,
          sshUser: ami.sshUser,
          candidates: planCandidates(compute, [
            {
              instanceType: compute.instanceType,
              info: type.info,
              placements: type.placements ?? [type.placement],
              image: ami.image,
              sshUser: ami.sshUser,
            },
            ...alternatives,
          ]),
          sshCidr: source.cidr,
          bucket: config.storage.bucket,
          prefix: config.storage.prefix,
        }
      : undefined;
  return finish(checks, plan);
}

// Only with a budget and a price source; prices that cannot be read are a warning, never a failure.
async function budgetCheck(input: PreflightInput, compute: ComputeConfig): Promise<PreflightCheck | undefined> {
  const maxCostUsd = input.config.training?.maxCostUsd;
  if (maxCostUsd === undefined || !input.prices) return undefined;
  return input.prices(input.signal).then(
    (table) => budgetPriceCheck(maxCostUsd, compute, table),
    (error: unknown) =>
      awsCallCheck('budget', 'Budget', 'warn', error, {
        context: 'could not read the prices the budget is counted in',
        signal: input.signal,
      }),
  );
}

/** The launch's placements: {@link failoverOrder} over the types that passed their checks. */
function planCandidates(compute: ComputeConfig, types: ResolvedAlternative[]): LaunchCandidate[] {
  const byType = new Map(types.map((t) => [t.instanceType, t]));
  const order = failoverOrder(
    types.map((t) => ({ instanceType: t.instanceType, zones: t.placements.map((p) => p.zone) })),
    compute.market,
    compute.spot?.fallbackOnDemand ?? false,
  );
  return order.map((candidate) => {
    const type = byType.get(candidate.instanceType)!;
    const placement = type.placements.find((p) => p.zone === candidate.zone)!;
    return { ...candidate, subnetId: placement.subnetId, image: type.image, sshUser: type.sshUser };
  });
}

/** An EC2 run's instance role covers its prefix: an empty one would be the whole bucket. */
function prefixCheck(prefix: string): PreflightCheck {
  return prefix
    ? check('prefix', 'S3 prefix', 'pass', `the instance may reach ${prefix}/ only`)
    : check(
        'prefix',
        'S3 prefix',
        'fail',
        'storage.prefix is empty: the instance role would read, write and delete every object of the bucket',
        'Set storage.prefix to a folder of its own, e.g. "runs/my-run" (the wizard proposes one from the run name).',
      );
}

/** A role with TrainDeck's name for this prefix is reused only if it is TrainDeck's own. */
async function roleCheck(
  storage: RunConfig['storage'],
  ports: AwsPorts,
  options: { signal?: AbortSignal },
): Promise<PreflightCheck> {
  const spec = instanceProfileSpec(storage.bucket, storage.prefix, 'traindeck/preflight');
  try {
    const foreign = await checkInstanceRole(ports.instanceRole, spec, options);
    return foreign
      ? check('instance-role', 'Instance role', 'fail', foreign.message, foreign.fix)
      : check(
          'instance-role',
          'Instance role',
          'pass',
          `${spec.roleName}: s3://${storage.bucket}/${storage.prefix}/ only`,
        );
  } catch (error) {
    return awsCallCheck('instance-role', 'Instance role', 'fail', error, {
      ...options,
      context: `could not read the role ${spec.roleName}`,
      deniedFix: 'Allow iam:GetRole, iam:ListAttachedRolePolicies and iam:ListRolePolicies on roles named TrainDeck-*.',
    });
  }
}

async function sshSource(
  compute: ComputeConfig,
  publicIp: PublicIpPort,
  options: { signal?: AbortSignal },
): Promise<{ check: PreflightCheck; cidr?: string }> {
  if (compute.allowedSshCidr) {
    return {
      check: check('ssh-source', 'SSH source', 'pass', `${compute.allowedSshCidr} (from the run config), 22/tcp only`),
      cidr: compute.allowedSshCidr,
    };
  }
  try {
    const ip = await publicIp.publicIpv4(options);
    return {
      check: check('ssh-source', 'SSH source', 'pass', `${ip}/32 (this machine's public IP), 22/tcp only`),
      cidr: `${ip}/32`,
    };
  } catch (error) {
    return {
      check: check(
        'ssh-source',
        'SSH source',
        'fail',
        `could not detect this machine's public IP (${describeAwsError(error)})`,
        'Set compute.allowedSshCidr to your public IP followed by /32.',
      ),
    };
  }
}

/**
 * The bucket checks, then (when they pass and a store is given) the data checks: key identity
 * and datasets. Every backend's preflight runs this same part.
 */
export async function bucketAndDataChecks(
  input: Pick<PreflightInput, 'config' | 'ports' | 'signal' | 'objectStore'>,
  sseKey: SseKey,
  probeName: string,
): Promise<{ checks: PreflightCheck[] }> {
  const options = input.signal ? { signal: input.signal } : {};
  const bucket = await bucketChecks(input.config, input.ports.bucket, sseKey, probeName, options);
  if (!input.objectStore) return bucket;
  if (bucket.checks.some((c) => c.status === 'fail')) {
    return { checks: [...bucket.checks, skipped('key-identity', 'Key identity', 'the bucket checks failed')] };
  }
  return { checks: [...bucket.checks, ...(await dataChecks(input.config, input.objectStore, input.signal))] };
}
