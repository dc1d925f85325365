import { setTimeout as delay } from 'node:timers/promises';

import { sameQuotaGroup, vcpuQuotaFor } from '../../../shared/domain/instance-family';
import type { Clock } from '../../core/clock';
import { EC2_TRUST } from '../ec2-trust-policy';
import type {
  BucketPort,
  IdentityPort,
  InstanceRolePort,
  ParameterPort,
  QuotaPort,
  VersioningState,
} from '../ports/account-ports';
import type { AwsPorts, Ec2Port } from '../ports/aws-ports';
import type { ScopedCredentialsPort, ScopedCredentialsRequest } from '../ports/scoped-credentials-port';
import { planScopedCredentials } from '../scoped-credentials-plan';
import { FAKE_IMAGES, FAKE_INSTANCE_TYPES } from './fake-catalog';
import { fakeLaunch } from './fake-ec2-launch';
import { fakeCleanup, fakeInventory } from './fake-ec2-ports';
import { FAKE_TIMING, FakeEc2Region, type FakeInstance } from './fake-ec2-region';
import { fakeSpotPrices } from './fake-ec2-spot';
import { awsError, ProcessKilled } from './fake-error';
import { fakePriceList } from './fake-price-list';

/** Which calls change the account: the crash injection counts these. */
const WRITES = new Set([
  'terminateInstances',
  'deleteVolume',
  'disassociateAddress',
  'releaseAddress',
  'deleteNatGateway',
  'deleteLoadBalancer',
  'deleteSnapshot',
  'deleteKeyPair',
  'deleteSecurityGroup',
  'importKeyPair',
  'createSecurityGroup',
  'authorizeSsh',
  'runInstance',
  'ensureInstanceProfile',
]);

/** A bucket of the fake account. */
export interface FakeBucket {
  region: string;
  versioning: VersioningState;
  /** The bucket (or an SCP) refuses SSE-C writes. */
  blocksSseC?: boolean;
}

/**
 * What a test bed does as the fake launches and terminates instances (main/aws/testing/ec2-test-bed.ts
 * gives each a real sshd and IMDS). Never set in the shipped demo.
 */
export interface FakeInstanceHooks {
  /** A new instance, before RunInstances answers; `publicKey` is its key pair's (cloud-init authorizes it). */
  launched(region: string, instance: FakeInstance, publicKey: string | undefined): Promise<void>;
  /** TerminateInstances began shutting it down (called again for an instance already shutting down is fine). */
  terminating(region: string, instanceId: string): void;
}

/** Options of the fake account. */
export interface FakeAwsOptions {
  clock: Clock;
  regions?: string[];
  /** Simulated network latency per call (real time: the benchmark uses it). */
  latencyMs?: number;
  /** How long a new instance profile takes to be usable by RunInstances. */
  profilePropagationMs?: number;
}

/**
 * A stateful in-memory AWS account: every region's EC2 resources with realistic state
 * transitions driven by the injected clock, plus the STS, S3, Service Quotas, SSM and IAM
 * answers preflight and provisioning need. It satisfies the same ports as the SDK adapters.
 * Faults: throttling, refusing regions or single operations, credential failures, instances stuck in shutting-down,
 * and a simulated process kill after the n-th write.
 */
export class FakeAws {
  readonly regions = new Map<string, FakeEc2Region>();
  readonly buckets = new Map<string, FakeBucket>();
  readonly quotas = new Map<string, number>();
  readonly parameters = new Map<string, string>();
  /** IAM roles by name; a test may plant one with another trust policy or attached policies (a foreign role). */
  readonly roles = new Map<
    string,
    { policies: Map<string, string>; tags: Record<string, string>; trustPolicy?: string; attached?: string[] }
  >();
  readonly profiles = new Map<string, { roles: string[]; readyAt: number }>();
  /** Every call, in order: `region op`. */
  readonly calls: string[] = [];
  /** What each scoped-credentials request asked for (policy, duration), in order. */
  readonly scopedRequests: Array<Omit<ScopedCredentialsRequest, 'signal'> & { durationSeconds: number }> = [];
  /** Every write that succeeded, in order: proves "nothing was created". */
  readonly writes: string[] = [];
  identityFault: 'expired-sso' | 'unknown-profile' | 'no-credentials' | undefined;
  /** Set by a test bed; see {@link FakeInstanceHooks}. */
  instanceHooks: FakeInstanceHooks | undefined;
  account = '123456789012';
  latencyMs: number;
  private readonly throttles = new Map<string, number>();
  private readonly refusals = new Map<string, string>();
  private readonly operationFaults = new Map<string, string>();
  private killAfter: number | undefined;
  private dead = false;
  /** Ids issued so far (public so a saved account resumes without reusing one). */
  idsIssued = 0;

  constructor(readonly options: FakeAwsOptions) {
    this.latencyMs = options.latencyMs ?? 0;
    for (const name of options.regions ?? ['us-east-1', 'us-west-2', 'eu-west-1']) this.addRegion(name);
  }

  /** Adds a region with the default images and every catalog type offered in its three zones. */
  addRegion(name: string): FakeEc2Region {
    const region = new FakeEc2Region(name);
    for (const { parameter, image } of FAKE_IMAGES) {
      region.images.set(image.id, structuredClone(image));
      this.parameters.set(`${name}:${parameter}`, image.id);
    }
    this.regions.set(name, region);
    return region;
  }

  region(name: string): FakeEc2Region {
    const region = this.regions.get(name);
    if (!region) throw awsError('UnknownEndpoint', `Inaccessible host: ec2.${name}.amazonaws.com`);
    return region;
  }

  /** The next `count` calls in `region` fail with RequestLimitExceeded. */
  throttle(region: string, count: number): void {
    this.throttles.set(region, count);
  }

  /** Every call in `region` fails with `code` (OptInRequired, UnauthorizedOperation…). */
  refuseRegion(region: string, code: string): void {
    this.refusals.set(region, code);
  }

  /** Every call of `op` (a port method, e.g. `deleteSecurityGroup`) in any region fails with `code`, until `clearFault(op)`. */
  failOperation(op: string, code: string): void {
    this.operationFaults.set(op, code);
  }

  clearFault(op: string): void {
    this.operationFaults.delete(op);
  }

  /** The process "dies" right after the n-th successful write: it and every later call throw ProcessKilled. */
  killAfterWrites(count: number): void {
    this.killAfter = this.writes.length + count;
  }

  /** Kills the process now (e.g. after a journal line). */
  kill(): void {
    this.dead = true;
  }

  /** True between a simulated kill and `revive()`. */
  get isDead(): boolean {
    return this.dead;
  }

  /** A new process starts: calls work again. */
  revive(): void {
    this.dead = false;
    this.killAfter = undefined;
  }

  nextId(prefix: string): string {
    this.idsIssued += 1;
    return `${prefix}-${this.idsIssued.toString(16).padStart(17, '0')}`;
  }

  /** Runs one call with the fault model: latency, kill, refusal, throttling, then state settling. */
  async call<T>(region: string, op: string, run: () => Promise<T>): Promise<T> {
    if (this.latencyMs > 0) await delay(this.latencyMs);
    if (this.dead) throw new ProcessKilled();
    this.calls.push(`${region} ${op}`);
    const refusal = this.refusals.get(region);
    if (refusal) throw awsError(refusal, `You are not authorized to perform ${op} in ${region}.`);
    const fault = this.operationFaults.get(op);
    if (fault) throw awsError(fault, `${op} refused by the test.`);
    const throttled = this.throttles.get(region) ?? 0;
    if (throttled > 0) {
      this.throttles.set(region, throttled - 1);
      throw awsError('RequestLimitExceeded', 'Request limit exceeded.');
    }
    this.regions.get(region)?.settle(this.options.clock.now());
    const result = await run();
    if (WRITES.has(op)) {
      this.writes.push(`${region} ${op}`);
      if (this.killAfter !== undefined && this.writes.length >= this.killAfter) {
        this.dead = true;
        throw new ProcessKilled();
      }
    }
    return result;
  }

  /**
   * What DescribeRegions lists (without AllRegions): the regions enabled for the account, so not
   * one refused as not opted in; a region refused for another reason (an SCP, a denied call) is
   * enabled and listed.
   */
  enabledRegions(): string[] {
    return [...this.regions.keys()].filter((region) => this.refusals.get(region) !== 'OptInRequired').sort();
  }

  /** The fake as the lifecycle's ports. */
  ports(): AwsPorts {
    return {
      identity: this.wrap('global', this.identityPort()),
      regions: this.wrap('global', { listEnabledRegions: async () => this.enabledRegions() }),
      instanceRole: this.wrap('global', this.rolePort()),
      scopedCredentials: this.wrap('global', this.scopedCredentialsPort()),
      priceList: this.wrap(
        'global',
        fakePriceList(() => [...this.regions.keys()]),
      ),
      ec2: (name) => {
        const region = this.region(name);
        const now = () => this.options.clock.now();
        const context = {
          now,
          nextId: (prefix: string) => this.nextId(prefix),
          profileReadyAt: (profile: string) => this.profiles.get(profile)?.readyAt,
          checkQuota: this.checkQuota,
          launched: (instance: FakeInstance) =>
            this.instanceHooks?.launched(
              name,
              instance,
              instance.keyName ? region.keyPairs.get(instance.keyName)?.publicKey : undefined,
            ) ?? Promise.resolve(),
        };
        return this.wrap(name, {
          ...fakeInventory(region),
          ...fakeCleanup(region, now, (id) => this.instanceHooks?.terminating(name, id)),
          ...fakeLaunch(region, context),
          ...fakeSpotPrices(region),
        } satisfies Ec2Port);
      },
      bucket: (name) => this.wrap(name, this.bucketPort()),
      quotas: (name) => this.wrap(name, this.quotaPort()),
      parameters: (name) =>
        this.wrap(name, {
          getParameter: async (parameter) => this.parameters.get(`${name}:${parameter}`),
        } satisfies ParameterPort),
    };
  }

  /** The SSH probe of the fake: sshd answers once an instance with that address has run long enough. */
  async sshBanner(host: string): Promise<string | undefined> {
    if (this.dead) throw new ProcessKilled();
    for (const region of this.regions.values()) {
      region.settle(this.options.clock.now());
      const instance = [...region.instances.values()].find((i) => i.publicIp === host && i.state === 'running');
      if (
        instance?.runningSince !== undefined &&
        this.options.clock.now() - instance.runningSince >= FAKE_TIMING.sshdMs
      ) {
        return 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10';
      }
    }
    return undefined;
  }

  /** Total vCPUs of running instances in the quota group of `type`. */
  vcpusInUse(region: FakeEc2Region, type: string): number {
    return [...region.instances.values()]
      .filter((i) => (i.state === 'pending' || i.state === 'running') && sameQuotaGroup(i.instanceType, type))
      .reduce((sum, i) => sum + (FAKE_INSTANCE_TYPES[i.instanceType]?.vcpus ?? 0), 0);
  }

  private readonly checkQuota = (region: FakeEc2Region, type: string, market: 'on-demand' | 'spot') => {
    const quota = vcpuQuotaFor(type, market);
    const limit = quota ? (this.quotas.get(quota.code) ?? 64) : 64;
    if (this.vcpusInUse(region, type) + (FAKE_INSTANCE_TYPES[type]?.vcpus ?? 0) > limit) {
      throw awsError(
        'VcpuLimitExceeded',
        `You have requested more vCPU capacity than your current vCPU limit of ${limit} allows.`,
      );
    }
  };

  private wrap<T extends object>(region: string, port: T): T {
    const wrapped = {} as Record<string, unknown>;
    for (const [op, fn] of Object.entries(port)) {
      wrapped[op] = (...args: unknown[]) =>
        this.call(region, op, () => (fn as (...a: unknown[]) => Promise<unknown>)(...args));
    }
    return wrapped as T;
  }

  // The fake's caller is an IAM user (long-term keys): GetFederationToken, as on AWS.
  private scopedCredentialsPort(): ScopedCredentialsPort {
    return {
      plan: async (request) => planScopedCredentials({ hasSessionToken: false, ...request }),
      issue: async ({ signal: _signal, ...request }) => {
        const { call, durationSeconds } = planScopedCredentials({ hasSessionToken: false, ...request });
        this.scopedRequests.push({ ...request, durationSeconds });
        const n = this.scopedRequests.length;
        return {
          accessKeyId: `ASIAFAKESCOPED${String(n).padStart(6, '0')}`,
          secretAccessKey: `fake-scoped-secret-${n}`,
          sessionToken: `fake-session-token-${n}`,
          expiresAt: new Date(this.options.clock.now() + durationSeconds * 1000).toISOString(),
          call,
        };
      },
    };
  }

  private identityPort(): IdentityPort {
    return {
      whoAmI: async () => {
        if (this.identityFault === 'expired-sso') {
          throw Object.assign(
            new Error(
              'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
            ),
            { name: 'CredentialsProviderError' },
          );
        }
        if (this.identityFault === 'unknown-profile') {
          throw Object.assign(
            new Error('Could not resolve credentials using profile: [nope] in configuration/credentials file(s).'),
            { name: 'CredentialsProviderError' },
          );
        }
        if (this.identityFault === 'no-credentials') {
          throw Object.assign(new Error('Could not load credentials from any providers'), {
            name: 'CredentialsProviderError',
          });
        }
        return { account: this.account, arn: `arn:aws:iam::${this.account}:user/ana` };
      },
    };
  }

  private bucketPort(): BucketPort {
    const find = (name: string) => {
      const bucket = this.buckets.get(name);
      if (!bucket) throw awsError('NotFound', `The bucket ${name} does not exist.`);
      return bucket;
    };
    return {
      bucketRegion: async (name) => find(name).region,
      versioning: async (name) => find(name).versioning,
      probeSseC: async (name) => {
        if (find(name).blocksSseC) {
          throw awsError(
            'AccessDenied',
            'Requests specifying Server Side Encryption with Customer provided keys are not allowed for this bucket.',
          );
        }
      },
    };
  }

  private quotaPort(): QuotaPort {
    return {
      vcpuQuota: async (code) => ({
        value: this.quotas.get(code) ?? 64,
        source: this.quotas.has(code) ? 'applied' : 'default',
      }),
    };
  }

  private rolePort(): InstanceRolePort {
    return {
      describeRole: async (roleName) => {
        const role = this.roles.get(roleName);
        if (!role) return undefined;
        return {
          trustPolicy: role.trustPolicy ?? EC2_TRUST,
          attachedPolicies: [...(role.attached ?? [])],
          inlinePolicies: [...role.policies.keys()],
          tags: { ...role.tags },
        };
      },
      ensureInstanceProfile: async (spec) => {
        let created = false;
        if (!this.roles.has(spec.roleName)) {
          this.roles.set(spec.roleName, { policies: new Map(), tags: spec.tags });
          created = true;
        }
        this.roles.get(spec.roleName)?.policies.set(spec.policyName, spec.policyDocument);
        if (!this.profiles.has(spec.profileName)) {
          this.profiles.set(spec.profileName, {
            roles: [spec.roleName],
            readyAt: this.options.clock.now() + (this.options.profilePropagationMs ?? 0),
          });
          created = true;
        }
        return { created };
      },
    };
  }
}

/** The fake's timing constants, for tests that reason about waits. */
export { FAKE_TIMING };
