import type { core } from 'zod';

import { branchNameProblem } from '../../../../../shared/run-config/git-ref-name';
import { knownHostsProblem } from '../../../../../shared/run-config/known-hosts';
import { hasUrlUserinfo } from '../../../../../shared/security/redact-url';

/** One schema issue as the mapping sees it: what went wrong, where in the config, and the value there. */
export interface FieldIssue {
  issue: core.$ZodIssue;
  /** The issue's path in the run config ("code.branch"); the wizard field may have another key ("code.ref"). */
  path: string;
  /** The value at that path in the config the draft made (what the user typed, trimmed). */
  value: unknown;
}

/** What kind of mistake an issue is, whatever wording the schema (written for the CLI) gives it. */
type IssueKind = 'required' | 'type' | 'small' | 'big' | 'format' | 'choice' | 'custom';

function kindOf({ issue, value }: FieldIssue): IssueKind {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? 'required' : 'type';
    case 'too_small':
      return issue.origin === 'string' && value === '' ? 'required' : 'small';
    case 'too_big':
      return 'big';
    case 'invalid_format':
      return 'format';
    case 'invalid_value':
    case 'invalid_union':
      return 'choice';
    default:
      return 'custom';
  }
}

type Message = string | ((issue: FieldIssue, kind: IssueKind) => string);
type FieldMessages = Partial<Record<IssueKind, Message>> & { otherwise: Message };

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const bound = (issue: core.$ZodIssue, side: 'minimum' | 'maximum') =>
  String((issue as unknown as Record<string, unknown>)[side]);

/**
 * The wizard's words for every field's schema issues: plain sentences that name what to type or
 * choose, never the schema's wording for the CLI (config keys, "expected number"). One entry per
 * wizard field key (config paths, numbers of rows as "*"); validate.ts picks the entry, and a test
 * proves every issue any draft can raise has one.
 */
export const FIELD_MESSAGES: Record<string, FieldMessages> = {
  name: {
    big: 'Use at most 64 characters.',
    otherwise: 'Use letters, digits, ".", "_" and "-" only (no spaces), e.g. resnet50-baseline.',
  },
  'aws.profile': { otherwise: 'Choose a profile from the list.' },
  'aws.region': { otherwise: 'Choose a region from the list, e.g. eu-west-1.' },
  'compute.instanceType': { otherwise: 'Choose an instance type in the table.' },
  'compute.market': { otherwise: 'Choose On-demand or Spot.' },
  'compute.diskGb': {
    small: ({ issue }) => `At least ${bound(issue, 'minimum')} GB: the machine images need it.`,
    big: ({ issue }) => `At most ${bound(issue, 'maximum')} GB (the largest gp3 volume).`,
    otherwise: 'Type a whole number of GB, e.g. 100.',
  },
  'compute.amiId': {
    otherwise: 'An AMI id looks like ami-0123456789abcdef0; leave the field empty for the default image.',
  },
  'compute.ttlMinutes': {
    required: 'Required: the hard limit after which the instance powers itself off, in minutes (e.g. 240).',
    small: ({ issue }) => `At least ${bound(issue, 'minimum')} minutes.`,
    big: ({ issue }) => `At most ${bound(issue, 'maximum')} minutes (7 days).`,
    otherwise: 'Type a whole number of minutes, e.g. 240.',
  },
  'compute.alternatives': {
    big: ({ issue }) => `List at most ${bound(issue, 'maximum')} types.`,
    otherwise: ({ issue }) =>
      issue.message.includes('repeats')
        ? 'Leave out the instance type chosen above: list only the other types to try.'
        : 'List each type once.',
  },
  'compute.spot.maxRelaunches': {
    small: 'Type 0 (off) or more.',
    big: ({ issue }) => `At most ${bound(issue, 'maximum')} relaunches.`,
    otherwise: 'Type a whole number of relaunches, e.g. 2, or leave the field empty for none.',
  },
  'compute.alternatives.*': {
    otherwise: 'Type instance type names separated by commas, e.g. g5.2xlarge, g6.xlarge.',
  },
  'sshHost.address': { otherwise: 'Type user@host or user@host:port, e.g. ubuntu@10.0.0.5:22.' },
  'sshHost.identityFile': {
    big: 'This path is too long: choose the key file itself.',
    otherwise: 'Required: the private key file that logs in to the machine, e.g. ~/.ssh/id_ed25519.',
  },
  'sshHost.hostKeyFingerprint': {
    otherwise:
      'A host key fingerprint looks like SHA256: followed by 43 characters (ssh-keygen -lf prints it); leave the field empty to trust the key seen at the first login.',
  },
  'code.repoUrl': {
    required: 'Required: the repository to train from, e.g. git@github.com:acme/resnet.git.',
    otherwise: ({ value }) =>
      hasUrlUserinfo(text(value))
        ? 'This URL has a password or token in it, which would end up in logs and the report: use an ssh URL (git@github.com:owner/repo.git) with a deploy key instead.'
        : 'Type an ssh URL (git@github.com:owner/repo.git) or an https URL (https://github.com/owner/repo.git).',
  },
  'code.ref': {
    otherwise: ({ path, value }) =>
      path === 'code.commit'
        ? 'A commit id is 7 to 40 hex digits (0-9, a-f), e.g. 3f2a9c1.'
        : (branchNameProblem(text(value)) ?? 'Type a branch name, e.g. main.'),
  },
  'code.deployKeyFile': {
    otherwise:
      'Required for an ssh repository URL: choose the read-only deploy key (its private key file) on this machine.',
  },
  'code.knownHosts': {
    big: 'Too long: paste only the lines of this git server.',
    otherwise: ({ value }) => knownHostsProblem(text(value)) ?? 'Paste the lines ssh-keyscan HOST prints.',
  },
  'code.overrides': { otherwise: 'At most 100 override files.' },
  'code.overrides.*.source': { otherwise: 'Required: the local file to copy.' },
  'code.overrides.*.target': {
    required: 'Required: where the file goes in the repository, e.g. configs/local.yaml.',
    otherwise: 'The target must stay inside the repository (no leading "/", no "..").',
  },
  'storage.bucket': {
    small: ({ value }) =>
      text(value) ? 'A bucket name has 3 to 63 characters.' : 'Required: the S3 bucket that holds the data.',
    big: 'A bucket name has 3 to 63 characters.',
    format:
      'A bucket name uses lowercase letters, digits, dots and hyphens, and starts and ends with a letter or digit.',
    otherwise: 'Not a bucket name: no "..", and not an IP address.',
  },
  'storage.prefix': {
    big: 'At most 512 characters.',
    format: 'Write the prefix without a leading or trailing "/".',
    otherwise: ({ value }) =>
      /[*?$]/.test(text(value))
        ? 'The prefix may not contain *, ? or $ (AWS permissions read them as wildcards).'
        : 'The prefix may not contain "." or ".." parts.',
  },
  'storage.key': { otherwise: 'Required: the encryption key file, or where to save a new one.' },
  'storage.folders': { otherwise: 'Keep at least one folder.' },
  'storage.folders.*.name': {
    custom: ({ value }) => `Two folders are named "${text(value)}".`,
    otherwise: 'Use lowercase letters, digits, "_" and "-" (at most 40).',
  },
  'storage.folders.*.local': {
    custom: ({ value }) => folderMessage(text(value), 'local'),
    otherwise: 'Required: a folder inside the data folder, e.g. checkpoints.',
  },
  'storage.folders.*.remote': {
    custom: ({ value }) => folderMessage(text(value), 'S3'),
    otherwise: 'Required: a folder under the prefix, e.g. checkpoints.',
  },
  'storage.folders.*.policy': { otherwise: 'Choose Pull only, Local wins or Newest wins.' },
  'training.maxCostUsd': {
    small: 'More than $0, or leave the field empty for no budget.',
    big: 'At most $1,000,000.',
    type: 'Type an amount in US dollars, e.g. 25, or leave the field empty for no budget.',
    otherwise: 'Type an amount in US dollars, e.g. 25, or leave the field empty for no budget.',
  },
  'training.expectedHours': {
    small: 'More than 0 hours, or leave the field empty.',
    big: 'At most 168 hours (7 days, the longest time limit).',
    type: 'Type a number of hours, e.g. 6, or leave the field empty.',
    // The schema names config keys; here the limit is the Compute step's time limit.
    custom: ({ issue }) => {
      const limit = /: ([\d.]+ h)\)/.exec(issue.message)?.[1];
      return `Longer than the run may live${limit ? ` (its time limit is ${limit})` : ''}: raise the time limit in the Compute step, or lower this.`;
    },
    otherwise: 'Type a number of hours, e.g. 6, or leave the field empty.',
  },
  'monitoring.stall.action': { otherwise: 'Choose Alert or Stop the run.' },
  'monitoring.nonFiniteLoss': { otherwise: 'Choose Off, Alert or Stop the run.' },
  'training.command': {
    big: 'At most 4000 characters: put a longer command in a script of the repository.',
    otherwise: 'Required: give the command that trains, e.g. python train.py.',
  },
};

// A folder's refine says "inside the data folder"; the duplicate check of the section raises the same code.
function folderMessage(value: string, side: string): string {
  return value.startsWith('/') || value.split(/[\\/]/).includes('..')
    ? 'A folder inside the data folder: no leading "/", no "..".'
    : `Two folders use this ${side} folder.`;
}

/** The entry of a wizard field key ("storage.folders.3.name" → "storage.folders.*.name"). */
export function fieldEntry(key: string): FieldMessages | undefined {
  return FIELD_MESSAGES[key.replace(/\.\d+(?=\.|$)/g, '.*')];
}

/** The plain sentence for one issue shown under the wizard field `key`. */
export function fieldMessage(key: string, found: FieldIssue): string {
  const entry = fieldEntry(key);
  if (!entry) return 'This value cannot be used: check it and try again.';
  const kind = kindOf(found);
  const message = entry[kind] ?? entry.otherwise;
  return typeof message === 'string' ? message : message(found, kind);
}
