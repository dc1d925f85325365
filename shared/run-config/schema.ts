import { z } from 'zod';

import { MAX_SPOT_RELAUNCHES } from '../domain/spot-relaunch';
import { RESERVED_NAME } from '../sync/key-path';
import { monitoringSchema } from './monitoring-section';
import { codeSchema, trainingSchema } from './run-sections';
import { sshHostSchema } from './ssh-host-section';

/**
 * The run config: one versioned document for everything a run needs, written by the
 * launch wizard or by hand for the CLI (`--config run.json`). Paths are resolved against
 * the config file's folder. Secrets are never inline: only paths to key files.
 */
const RUN_CONFIG_VERSION = 1;

/** How a folder is synchronised (the product's sync rules). */
export const SYNC_POLICIES = ['pull-only', 'local-wins', 'newest-wins'] as const;
/** One of {@link SYNC_POLICIES}. */
export type SyncPolicy = (typeof SYNC_POLICIES)[number];

// S3 bucket naming rules (general purpose buckets), checked before any call.
const bucketName = z
  .string()
  .min(3, 'a bucket name has 3 to 63 characters')
  .max(63, 'a bucket name has 3 to 63 characters')
  .regex(
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    'a bucket name uses lowercase letters, digits, dots and hyphens, and starts and ends with a letter or digit',
  )
  .refine(
    (name) => !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name),
    'not a valid bucket name (no "..", not an IP address)',
  );

const s3Prefix = z
  .string()
  .max(512)
  .regex(/^[^/].*[^/]$|^[^/]$|^$/, 'write the prefix without a leading or trailing "/"')
  .refine(
    (prefix) => !prefix.split('/').some((part) => part === '..' || part === '.'),
    'the prefix may not contain "." or ".." parts',
  )
  // IAM reads * and ? as wildcards and ${…} as a variable: in the instance role they would widen the grant.
  .refine((prefix) => !/[*?$]/.test(prefix), 'the prefix may not contain *, ? or $ (IAM reads them as wildcards)');

const relativeFolder = z
  .string()
  .min(1)
  .refine(
    (path) => !path.startsWith('/') && !path.split(/[\\/]/).includes('..'),
    'a sync folder is a path inside the data folder (no leading "/", no "..")',
  )
  // `.traindeck` holds the engine's own files (sync state, journal, temp files; in S3 the key marker):
  // a folder there would pull over them, or push and delete them.
  .refine(
    (path) => folderParts(path)[0] !== RESERVED_NAME,
    `a sync folder may not be "${RESERVED_NAME}" or inside it: TrainDeck keeps its own files there. Pick another folder`,
  );

/** A folder path's parts as the file system reads it: "a/./b/" is a/b, "." the data folder itself. */
function folderParts(path: string): string[] {
  return path.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
}

/** True when folder `inner` is `outer` or inside it. */
function within(outer: string[], inner: string[]): boolean {
  return outer.length <= inner.length && outer.every((part, index) => inner[index] === part);
}

/** One folder mapping: local folder ↔ S3 prefix, with its policy. */
export const syncFolderSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'folder names use lowercase letters, digits, "_" and "-"'),
    local: relativeFolder,
    remote: relativeFolder,
    policy: z.enum(SYNC_POLICIES),
  })
  .strict();

/** A folder mapping. */
export type SyncFolder = z.infer<typeof syncFolderSchema>;

/** The product's four folders and their policies. */
export const DEFAULT_SYNC_FOLDERS: SyncFolder[] = [
  { name: 'cached_datasets', local: 'cached_datasets', remote: 'cached-datasets', policy: 'pull-only' },
  { name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' },
  { name: 'models', local: 'models', remote: 'models', policy: 'local-wins' },
  { name: 'checkpoints', local: 'checkpoints', remote: 'checkpoints', policy: 'newest-wins' },
];

/** Where data lives in S3 and how it is encrypted. */
export const storageSchema = z
  .object({
    bucket: bucketName,
    prefix: s3Prefix.default(''),
    /** Region of the bucket; defaults to the run's region. */
    region: z.string().optional(),
    /** File holding the 32-byte SSE-C key (raw, base64 or hex). Never inline. */
    sseKeyFile: z.string().min(1, 'sseKeyFile is required: every object is encrypted with your own key'),
    /** Local data folder that holds the sync folders (relative to the config file). */
    localRoot: z.string().min(1).default('data'),
    folders: z.array(syncFolderSchema).min(1).default(DEFAULT_SYNC_FOLDERS),
  })
  .strict()
  .superRefine((storage, ctx) => {
    const seen = new Set<string>();
    for (const [index, folder] of storage.folders.entries()) {
      for (const key of ['name', 'local', 'remote'] as const) {
        const id = `${key}:${folder[key]}`;
        if (seen.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['folders', index, key],
            message: `two folders share the ${key} "${folder[key]}"`,
          });
        }
        seen.add(id);
      }
    }
    // Two folders of which one holds the other (or the same folder spelt twice) would both own its
    // files: one file pulled by two policies, pushed to two prefixes, deleted by either.
    for (const [index, folder] of storage.folders.entries()) {
      for (const other of storage.folders.slice(0, index)) {
        for (const key of ['local', 'remote'] as const) {
          const [mine, theirs] = [folderParts(folder[key]), folderParts(other[key])];
          if (folder[key] === other[key] || !(within(mine, theirs) || within(theirs, mine))) continue;
          ctx.addIssue({
            code: 'custom',
            path: ['folders', index, key],
            message: `folders "${other.name}" and "${folder.name}" overlap: ${key} "${folder[key]}" and "${other[key]}" are the same folder or one holds the other, so their files would belong to both. Give each folder its own ${key} path, side by side`,
          });
        }
      }
    }
  });

/** The storage section. */
export type StorageConfig = z.infer<typeof storageSchema>;

/** AWS account settings. */
const awsSchema = z
  .object({
    profile: z.string().min(1).optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region looks like "eu-west-1"'),
  })
  .strict();

/** On-demand or spot (one-time, terminated on interruption). */
export const COMPUTE_MARKETS = ['on-demand', 'spot'] as const;
/** One of {@link COMPUTE_MARKETS}. */
export type ComputeMarket = (typeof COMPUTE_MARKETS)[number];

// An IPv4 CIDR narrow enough for an SSH rule: a world-open port 22 is what the product promises never to create.
const sshCidr = z
  .string()
  .regex(
    /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/,
    'allowedSshCidr is an IPv4 range such as "203.0.113.7/32"',
  )
  .refine(
    (cidr) =>
      cidr
        .split(/[./]/)
        .slice(0, 4)
        .every((octet) => Number(octet) <= 255),
    'allowedSshCidr has an octet above 255',
  )
  .refine(
    (cidr) => Number(cidr.split('/')[1]) >= 24 && Number(cidr.split('/')[1]) <= 32,
    'allowedSshCidr must be /24 to /32: SSH is never opened wider',
  );

const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, 'an instance type looks like "g5.xlarge"');

/** How many alternative instance types a run may list (the launch tries at most zones × (1 + this) × 2 placements). */
export const MAX_ALTERNATIVES = 4;

/** The one EC2 instance of a run: what it is, what it may cost, and when it must die. */
export const computeSchema = z
  .object({
    instanceType,
    market: z.enum(COMPUTE_MARKETS, { error: 'market is "on-demand" or "spot"' }).default('on-demand'),
    /** Size of the gp3 root volume. */
    diskGb: z
      .number()
      .int('diskGb is a whole number of GB')
      .min(20, 'diskGb is at least 20 (the AMIs need it)')
      .max(16384, 'diskGb is at most 16384 (the gp3 limit)')
      .default(100),
    /** Omit to use the default: Deep Learning Base GPU AMI for GPU types, Amazon Linux 2023 otherwise (public SSM parameters). */
    amiId: z
      .string()
      .regex(/^ami-[0-9a-f]{8,17}$/, 'an AMI id looks like "ami-0123456789abcdef0"')
      .optional(),
    /**
     * The login user of the AMI; omit for the default ("ubuntu" on Ubuntu images, else "ec2-user").
     * A custom AMI may have another (Debian's "admin", Rocky's "rocky").
     */
    sshUser: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'sshUser is a Linux user name such as "ubuntu" or "admin"')
      .optional(),
    /** Hard maximum runtime, enforced on the instance itself from boot. */
    ttlMinutes: z
      .number({
        error: (issue) =>
          issue.input === undefined
            ? 'ttlMinutes is required: the hard limit after which the instance powers itself off'
            : 'ttlMinutes is a number of minutes',
      })
      .int('ttlMinutes is a whole number of minutes')
      .min(15, 'ttlMinutes is at least 15')
      .max(10080, 'ttlMinutes is at most 10080 (7 days)'),
    /** Power off (and so terminate) as soon as the final push is verified. */
    shutdownAfterPush: z.boolean().default(true),
    /** SSH source range; omitted means the desktop's public IP as a /32, detected at preflight. */
    allowedSshCidr: sshCidr.optional(),
    /**
     * Instance types to try, in order, when no zone of the region has capacity for `instanceType`
     * (each checked by preflight: offered in the region, vCPU quota, AMI architecture).
     */
    alternatives: z
      .array(instanceType)
      .max(MAX_ALTERNATIVES, `alternatives lists at most ${MAX_ALTERNATIVES} instance types`)
      .refine((types) => new Set(types).size === types.length, 'alternatives lists each instance type once')
      .optional(),
    /**
     * Spot only: `fallbackOnDemand` launches on-demand when no spot placement (zone × type) has
     * capacity, and after `maxRelaunches` spot relaunches; `maxRelaunches` is how many times a run
     * interrupted by AWS is launched again on spot, resuming from its newest checkpoint (0: off).
     */
    spot: z
      .object({
        fallbackOnDemand: z.boolean().default(false),
        maxRelaunches: z
          .number({ error: 'spot.maxRelaunches is a number of relaunches, such as 2' })
          .int('spot.maxRelaunches is a whole number, such as 2')
          .min(0, 'spot.maxRelaunches is 0 (off) or more')
          .max(
            MAX_SPOT_RELAUNCHES,
            `spot.maxRelaunches is at most ${MAX_SPOT_RELAUNCHES}: a run interrupted that often needs another zone, type or the on-demand market`,
          )
          .default(0),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((compute) => compute.market === 'spot' || !compute.spot?.maxRelaunches, {
    message: 'spot.maxRelaunches applies to spot runs only: set market to "spot", or remove spot.maxRelaunches',
    path: ['spot', 'maxRelaunches'],
  })
  .refine((compute) => !compute.alternatives?.includes(compute.instanceType), {
    message: 'alternatives repeats instanceType: list only the other types to try',
    path: ['alternatives'],
    // Said even while other fields still have issues (zod skips refinements of an object with issues).
    when: ({ value }) => {
      const compute = value as { instanceType?: unknown; alternatives?: unknown };
      return typeof compute?.instanceType === 'string' && Array.isArray(compute.alternatives);
    },
  });

/** The compute section. */
export type ComputeConfig = z.infer<typeof computeSchema>;

/**
 * The run config, version 1. `compute` is optional so that storage-only tools (sync) accept
 * a config without it; preflight and launch require it. Code and training sections join later.
 */
export const runConfigSchema = z
  .object({
    version: z.literal(RUN_CONFIG_VERSION),
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, 'the run name uses letters, digits, ".", "_" and "-"')
      .optional(),
    aws: awsSchema,
    storage: storageSchema,
    compute: computeSchema.optional(),
    /** Train on this existing machine over SSH instead of a new EC2 instance (the ssh-host backend). */
    sshHost: sshHostSchema.optional(),
    /** The repo to train from; required by `traindeck run`. */
    code: codeSchema.optional(),
    /** The training command; required by `traindeck run`. */
    training: trainingSchema.optional(),
    /** Sample interval, stall rule and extra progress patterns of the monitor. */
    monitoring: monitoringSchema.optional(),
  })
  .strict()
  // A budget below one hour of the instance is not judged here: the schema has no prices of the region.
  // The wizard (with the region's prices) and the preflight refuse it (shared/monitor/budget.ts).
  .superRefine((config, ctx) => {
    const problem = expectedHoursProblem(config);
    if (problem) ctx.addIssue({ code: 'custom', path: ['training', 'expectedHours'], message: problem });
  });

/**
 * An expected duration longer than the run may live would price hours that are never billed: the
 * instance powers itself off at its TTL (EC2), the training is stopped at its time limit (own machine).
 */
export function expectedHoursProblem(config: {
  compute?: { ttlMinutes: number } | undefined;
  training?: { expectedHours?: number | undefined; maxRuntimeMinutes: number } | undefined;
}): string | undefined {
  const expected = config.training?.expectedHours;
  if (expected === undefined) return undefined;
  const [limitMinutes, limitKey] = config.compute
    ? [config.compute.ttlMinutes, 'compute.ttlMinutes']
    : [config.training!.maxRuntimeMinutes, 'training.maxRuntimeMinutes'];
  if (expected * 60 <= limitMinutes) return undefined;
  const hours = (minutes: number) => `${Number((minutes / 60).toFixed(2))} h`;
  return `training.expectedHours (${hours(expected * 60)}) is longer than the run may live (${limitKey}: ${hours(limitMinutes)}); raise ${limitKey} or lower training.expectedHours`;
}

/** A validated run config. */
export type RunConfig = z.infer<typeof runConfigSchema>;
