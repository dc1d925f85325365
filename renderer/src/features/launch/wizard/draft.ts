import type { LossAction, StallAction } from '../../../../../shared/run-config/monitoring-section';
import type { SyncFolder, SyncPolicy } from '../../../../../shared/run-config/schema';
import type { KeptSettings } from './kept-settings';

/**
 * What the launch wizard holds while the user types: strings as typed (so "12a" stays on
 * screen with its error instead of vanishing), turned into a run config by ./to-config.ts.
 */
export interface WizardDraft {
  account: { name: string; profile: string; region: string };
  /** `target` picks the machine: a new EC2 instance, or the user's own over SSH (the `ssh*` fields). */
  compute: {
    target: MachineTarget;
    instanceType: string;
    market: 'on-demand' | 'spot';
    amiId: string;
    diskGb: string;
    ttlMinutes: string;
    shutdownAfterPush: boolean;
    /** Capacity failover: other instance types, as typed ("g5.2xlarge, g6.xlarge"); absent in drafts saved before it. */
    alternatives?: string;
    /** Spot only: launch on-demand when no spot placement has capacity; absent in drafts saved before it. */
    fallbackOnDemand?: boolean;
    /** Spot only: relaunches after an interruption, as typed ("" = off); absent in drafts saved before it. */
    maxRelaunches?: string;
    sshAddress: string;
    sshIdentityFile: string;
    sshHostKey: string;
  };
  code: {
    repoUrl: string;
    refKind: 'branch' | 'commit';
    ref: string;
    deployKeyFile: string;
    knownHosts: string;
    overrides: Array<{ source: string; target: string }>;
  };
  data: {
    bucket: string;
    prefix: string;
    folders: Array<{ name: string; local: string; remote: string; policy: SyncPolicy }>;
    keyMode: 'generate' | 'import';
    keyPath: string;
    keyFingerprint: string;
    /** Where the run keeps its local copy of the folders: the Settings page's data folder; absent: `data` under home. */
    localRoot?: string;
    /**
     * The bucket's region when a saved config names one (`storage.region`, written for the CLI): the
     * wizard has no field for it, and keeps it so a template opened and launched moves its data where it did.
     */
    region?: string;
  };
  training: {
    command: string;
    env: Array<{ name: string; value: string }>;
    /** Secret env variables: a name and the local file holding its value (the value itself never enters the draft). */
    secretEnv: Array<{ name: string; file: string }>;
    /** `training.maxCostUsd` as typed; "" is no budget. */
    maxCostUsd: string;
    /** `training.expectedHours` as typed; "" is none (Review prices the TTL only). */
    expectedHours: string;
    /** `monitoring.stall.action`. */
    stallAction: StallAction;
    /** `monitoring.nonFiniteLoss`. */
    lossAction: LossAction;
  };
  /** A template's settings without a field here, launched as they were (./kept-settings.ts); absent in a new wizard. */
  kept?: KeptSettings;
}

/** Where the run trains: a new EC2 instance (created and deleted by the run) or an existing machine over SSH. */
export type MachineTarget = 'aws-ec2' | 'ssh-host';

/** The wizard's steps, in order. */
export const STEP_IDS = ['account', 'compute', 'code', 'data', 'training', 'review'] as const;
/** One step. */
export type StepId = (typeof STEP_IDS)[number];

/** Titles and one-line summaries of the steps, for the stepper. */
export const STEP_META: Record<StepId, { title: string; detail: string }> = {
  account: { title: 'Account', detail: 'Profile, region, identity' },
  compute: { title: 'Compute', detail: 'Machine, disk, time limit' },
  code: { title: 'Code', detail: 'Repository and overrides' },
  data: { title: 'Data', detail: 'Bucket, folders, key' },
  training: { title: 'Training', detail: 'Command and environment' },
  review: { title: 'Review', detail: 'Preflight, cost, launch' },
};

/** The four product folders, editable in the Data step. */
const DEFAULT_FOLDERS: SyncFolder[] = [
  { name: 'cached_datasets', local: 'cached_datasets', remote: 'cached-datasets', policy: 'pull-only' },
  { name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' },
  { name: 'models', local: 'models', remote: 'models', policy: 'local-wins' },
  { name: 'checkpoints', local: 'checkpoints', remote: 'checkpoints', policy: 'newest-wins' },
];

/**
 * The S3 prefix the wizard proposes for a run named `name` ("ResNet 50 v2" → "runs/resnet-50-v2"):
 * an EC2 run needs one (its instance role reaches that folder only), and only characters IAM reads
 * literally are kept.
 */
export function proposedPrefix(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);
  return `runs/${slug || 'run'}`;
}

/** Where the wizard starts when no profile or variable names a region. */
export const DEFAULT_REGION = 'eu-west-1';

/**
 * The key file a new wizard proposes: one per wizard ("~/.traindeck/keys/run-20261205-1830.key"),
 * so a second run's Generate key does not meet the first run's file (a key is never overwritten).
 */
export function proposedKeyPath(now: Date): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `~/.traindeck/keys/run-${stamp}.key`;
}

/** A fresh wizard. */
export function emptyDraft(
  defaults: { profile?: string; region?: string; localRoot?: string } = {},
  now = new Date(),
): WizardDraft {
  return {
    account: { name: '', profile: defaults.profile ?? '', region: defaults.region ?? DEFAULT_REGION },
    compute: {
      target: 'aws-ec2',
      instanceType: 'g5.xlarge',
      market: 'on-demand',
      amiId: '',
      diskGb: '100',
      ttlMinutes: '',
      shutdownAfterPush: true,
      alternatives: '',
      fallbackOnDemand: false,
      maxRelaunches: '',
      sshAddress: '',
      sshIdentityFile: '~/.ssh/id_ed25519',
      sshHostKey: '',
    },
    code: { repoUrl: '', refKind: 'branch', ref: 'main', deployKeyFile: '', knownHosts: '', overrides: [] },
    data: {
      bucket: '',
      prefix: '',
      folders: DEFAULT_FOLDERS.map((folder) => ({ ...folder })),
      keyMode: 'generate',
      keyPath: proposedKeyPath(now),
      keyFingerprint: '',
      ...(defaults.localRoot ? { localRoot: defaults.localRoot } : {}),
    },
    training: {
      command: '',
      env: [],
      secretEnv: [],
      maxCostUsd: '',
      expectedHours: '',
      stallAction: 'alert',
      lossAction: 'off',
    },
  };
}
