import type { PreflightCheck } from '../../../../../shared/domain/preflight';
import { STEP_META, type StepId } from './draft';

/** Where a preflight finding is fixed in the wizard: a step and one of its fields. */
export interface CheckHome {
  step: Exclude<StepId, 'review'>;
  /** The wizard field key ("storage.bucket"), as Field's `name`. */
  field: string;
}

/** The label of each field a preflight check can send the user to, as the step shows it. */
const FIELD_LABELS: Record<string, string> = {
  'aws.profile': 'AWS profile',
  'aws.region': 'Region',
  'compute.instanceType': 'Instance type',
  'compute.amiId': 'AMI',
  'compute.alternatives': 'Alternative instance types',
  'compute.spot.fallbackOnDemand': 'On-demand fallback',
  'compute.spot.maxRelaunches': 'Relaunches after a spot interruption',
  'compute.diskGb': 'Disk',
  'compute.ttlMinutes': 'Time limit',
  'sshHost.address': 'Address',
  'sshHost.identityFile': 'Login key file',
  'sshHost.hostKeyFingerprint': 'Host key',
  'code.repoUrl': 'Repository URL',
  'code.deployKeyFile': 'Deploy key file',
  'storage.bucket': 'Bucket',
  'storage.prefix': 'Prefix',
  'storage.key': 'Encryption key',
  'training.maxCostUsd': 'Budget (US dollars)',
};

/** Each preflight check (main's ids) and the field that fixes it. */
const HOMES: Record<string, CheckHome> = {
  identity: { step: 'account', field: 'aws.profile' },
  'aws-profile': { step: 'account', field: 'aws.profile' },
  region: { step: 'account', field: 'aws.region' },
  bucket: { step: 'data', field: 'storage.bucket' },
  versioning: { step: 'data', field: 'storage.bucket' },
  'sse-c': { step: 'data', field: 'storage.bucket' },
  prefix: { step: 'data', field: 'storage.prefix' },
  'instance-role': { step: 'data', field: 'storage.prefix' },
  'sse-key': { step: 'data', field: 'storage.key' },
  'key-identity': { step: 'data', field: 'storage.key' },
  'instance-type': { step: 'compute', field: 'compute.instanceType' },
  quota: { step: 'compute', field: 'compute.instanceType' },
  network: { step: 'compute', field: 'compute.instanceType' },
  'ssh-source': { step: 'compute', field: 'compute.instanceType' },
  ami: { step: 'compute', field: 'compute.amiId' },
  disk: { step: 'compute', field: 'compute.diskGb' },
  ttl: { step: 'compute', field: 'compute.ttlMinutes' },
  ssh: { step: 'compute', field: 'sshHost.address' },
  'host-key': { step: 'compute', field: 'sshHost.hostKeyFingerprint' },
  budget: { step: 'training', field: 'training.maxCostUsd' },
};

const STEP_OF_ROOT: Record<string, CheckHome['step']> = {
  aws: 'account',
  compute: 'compute',
  sshHost: 'compute',
  code: 'code',
  storage: 'data',
  training: 'training',
};

/** The step and field that fix `check`, when the wizard has one. */
export function checkHome(check: PreflightCheck): CheckHome | undefined {
  if (check.field) {
    const step = STEP_OF_ROOT[check.field.split('.')[0] ?? ''];
    return step ? { step, field: check.field } : undefined;
  }
  return HOMES[check.id];
}

/** "Data → Bucket": where the Fix button goes. */
export function homeLabel(home: CheckHome): string {
  const field = FIELD_LABELS[home.field] ?? (/^code\.overrides\.(\d+)\./.exec(home.field) ? 'Override files' : '');
  return field ? `${STEP_META[home.step].title} → ${field}` : STEP_META[home.step].title;
}

/** The steps that own a failing check of `checks` (the stepper marks them red). */
export function failingSteps(checks: PreflightCheck[]): Set<StepId> {
  return new Set(
    checks.flatMap((check) => {
      const home = check.status === 'fail' ? checkHome(check) : undefined;
      return home ? [home.step] : [];
    }),
  );
}

/**
 * A check's fix in the wizard's words: main writes fixes for the CLI and config files
 * ("Set storage.region…", "traindeck key generate FILE"); next to the wizard the same advice names
 * the control. Known phrasings are replaced; a fix that still names a config key is replaced by
 * "Change it in <Step → Field>".
 */
export function guiFix(check: PreflightCheck): string | undefined {
  if (!check.fix) return undefined;
  const home = checkHome(check);
  const where = home ? homeLabel(home) : 'the wizard';
  const fix = check.fix
    .replace(
      /(?:create|generate) one with `traindeck key generate FILE`/gi,
      `generate one with Generate key (${where})`,
    )
    .replace(/`traindeck key fingerprint FILE`/g, 'the key panel (Data → Encryption key)')
    .replace(/Point storage\.sseKeyFile at ([^,]+)/g, (_, what: string) => `Choose ${what} in ${where}`)
    .replace(/Fix aws\.region in the run config/g, 'Choose it in Account → Region')
    .replace(
      /^(?:Use a bucket in (\S+), or )?[Ss]et storage\.region to "([^"]+)".*$/,
      (_, runRegion: string | undefined, bucketRegion: string) =>
        `${runRegion ? `Use a bucket in ${runRegion} (Data → Bucket), or choose` : 'Choose'} ${bucketRegion} in Account → Region.`,
    );
  if (/\b(?:aws|compute|storage|code|training|sshHost)\.[a-zA-Z]/.test(fix) || /\btraindeck \w/.test(fix)) {
    return `${check.status === 'fail' ? 'Change' : 'Check'} it in ${where}.`;
  }
  return fix;
}
