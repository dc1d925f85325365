import type { TagMap } from '../../../shared/domain/tags';
import type { CallOptions } from './ec2-types';

/** Who the credentials belong to (STS GetCallerIdentity). */
export interface IdentityPort {
  whoAmI(options?: CallOptions): Promise<{ account: string; arn: string }>;
}

/** The three SSE-C request parameters, as the sync engine's key object gives them (never logged). */
export interface SseCParams {
  SSECustomerAlgorithm: 'AES256';
  SSECustomerKey: string;
  SSECustomerKeyMD5: string;
}

/** Versioning as S3 reports it; "off" means never enabled. */
export type VersioningState = 'off' | 'enabled' | 'suspended';

/** The run's bucket, as preflight checks it. */
export interface BucketPort {
  /** The bucket's region; throws NotFound / Forbidden with those names. */
  bucketRegion(bucket: string, options?: CallOptions): Promise<string>;
  versioning(bucket: string, options?: CallOptions): Promise<VersioningState>;
  /** Writes then deletes an empty SSE-C object at `key`: proves SSE-C is allowed and the prefix writable. */
  probeSseC(bucket: string, key: string, sse: SseCParams, options?: CallOptions): Promise<void>;
}

/** vCPU quotas of the `ec2` service. */
export interface QuotaPort {
  /** The applied value, else AWS's default; undefined when neither can be read. */
  vcpuQuota(
    quotaCode: string,
    options?: CallOptions,
  ): Promise<{ value: number; source: 'applied' | 'default' } | undefined>;
}

/** Public SSM parameters (default AMI ids). */
export interface ParameterPort {
  /** undefined when the parameter does not exist in the region. */
  getParameter(name: string, options?: CallOptions): Promise<string | undefined>;
}

/** The role and instance profile a run's instance uses to reach its bucket prefix. */
export interface InstanceProfileSpec {
  roleName: string;
  profileName: string;
  policyName: string;
  /** The inline policy, as JSON text. */
  policyDocument: string;
  description: string;
  tags: TagMap;
}

/** What IAM says about an existing role (checked before TrainDeck reuses a role with its name). */
export interface RoleFacts {
  /** The trust policy, as JSON text (decoded). */
  trustPolicy: string;
  /** ARNs of the managed policies attached to it. */
  attachedPolicies: string[];
  /** Names of its inline policies. */
  inlinePolicies: string[];
  tags: TagMap;
}

/** IAM, only for the instance profile: created once per bucket prefix, then reused. */
export interface InstanceRolePort {
  /** The role's trust policy, policies and tags; undefined when no role has that name. */
  describeRole(roleName: string, options?: CallOptions): Promise<RoleFacts | undefined>;
  /** Creates what is missing, refreshes the inline policy, and returns whether anything was created. */
  ensureInstanceProfile(spec: InstanceProfileSpec, options?: CallOptions): Promise<{ created: boolean }>;
}
