import type { TransportKind } from '../../shared/domain/app-info';
import type { DoctorCheck, DoctorReport } from '../../shared/domain/doctor';
import { PRICE_TABLE, type PriceTable } from '../../shared/pricing/price-table';
import { continuingSentence } from '../../shared/text/sentences';
import { type AwsSetup, type CredentialSource, inspectAwsSetup } from '../aws/aws-config';
import { endpointOverridesFromEnv } from '../aws/endpoints';
import { trustedTls } from '../aws/trusted-cas';
import { type Clock, isoNow, systemClock } from '../core/clock';
import { findElectronBinary } from './electron-binary';

/** The lowest Node version the CLI, browser host and executor support (Vite 8 and the AWS SDK need it). */
const MIN_NODE = [20, 19] as const;

/** What the doctor looks at; injected so tests control every input. */
export interface DoctorInputs {
  env: NodeJS.ProcessEnv;
  home?: string;
  projectRoot: string;
  dataDir: string;
  nodeVersion: string;
  electronVersion?: string;
  /** Who asks: in browser mode a missing Electron is information (the page already runs without it), not a warning. */
  transport?: TransportKind;
  clock?: Clock;
  /**
   * The in-memory demo account's identity (TRAINDECK_FAKE_AWS=1): the AWS lines report it, as the
   * wizard does, instead of the real ~/.aws setup that the app does not use.
   */
  demoIdentity?: { account: string; arn: string };
  /**
   * The one price source's answer for a region (main/lifecycle/pricing/price-source.ts): from its disk
   * cache, else one Price List call. Asked only with credentials and a region; absent: no price line.
   */
  prices?: (region: string, signal: AbortSignal) => Promise<PriceTable>;
}

/** How long the doctor waits for the Price List before it reports what it has (the bundled table, and why). */
const PRICES_LIMIT_MS = 15_000;

/**
 * Builds the report of `traindeck doctor` and the Settings page. Reads files; the only call is the
 * price source's, when its disk cache has no fresh prices (one Price List query, bounded).
 */
export async function runDoctor(inputs: DoctorInputs): Promise<DoctorReport> {
  const aws = await inspectAwsSetup(inputs.env, inputs.home);
  const checks: DoctorCheck[] = [
    nodeCheck(inputs.nodeVersion),
    electronCheck(inputs),
    { id: 'data-dir', label: 'App data folder', status: 'info', value: inputs.dataDir },
    ...(inputs.demoIdentity
      ? demoChecks(inputs.demoIdentity, aws)
      : [
          profileCheck(aws),
          credentialsCheck(aws),
          regionCheck(aws),
          endpointCheck(inputs.env, aws),
          trustCheck(inputs.env),
        ]),
    ...(inputs.prices ? [await pricesCheck(inputs, aws)] : []),
  ];
  return { generatedAt: isoNow(inputs.clock ?? systemClock), checks };
}

/** The demo account's lines: what the app really talks to (an in-memory account), not ~/.aws. */
function demoChecks(identity: { account: string; arn: string }, aws: AwsSetup): DoctorCheck[] {
  return [
    { id: 'aws-profile', label: 'AWS profile', status: 'info', value: 'not used: the demo account needs none' },
    {
      id: 'aws-credentials',
      label: 'AWS credentials',
      status: 'pass',
      value: `demo account ${identity.account} (${identity.arn}), in memory: nothing is real`,
      fix: 'Start TrainDeck without TRAINDECK_FAKE_AWS=1 to use your AWS account.',
    },
    { id: 'aws-region', label: 'AWS region', status: 'pass', value: `${aws.region ?? 'eu-west-1'} (demo account)` },
    { id: 'aws-endpoints', label: 'AWS endpoints', status: 'info', value: 'none: the demo account is in memory' },
  ];
}

function nodeCheck(version: string): DoctorCheck {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const enough = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    id: 'node',
    label: 'Node.js',
    status: enough ? 'pass' : 'fail',
    value: version,
    ...(enough ? {} : { fix: `Install Node.js ${MIN_NODE.join('.')} or newer (22 LTS recommended).` }),
  };
}

function electronCheck(inputs: DoctorInputs): DoctorCheck {
  if (inputs.electronVersion) {
    return {
      id: 'electron',
      label: 'Electron',
      status: 'pass',
      value: `running in Electron ${inputs.electronVersion}`,
    };
  }
  const binary = findElectronBinary(inputs.projectRoot, inputs.env);
  if (!binary.found && inputs.transport === 'web') {
    return {
      id: 'electron',
      label: 'Electron',
      status: 'info',
      value: `not needed in browser mode; for the desktop app: ${binary.reason}`,
    };
  }
  return binary.found
    ? { id: 'electron', label: 'Electron', status: 'pass', value: `binary present at ${binary.path}` }
    : {
        id: 'electron',
        label: 'Electron',
        status: 'warn',
        value: `not available: ${binary.reason}`,
        fix: 'Use `npm run start:web` (browser mode) until Electron is installed.',
      };
}

function profileCheck(aws: AwsSetup): DoctorCheck {
  const value = `${aws.profile} (from ${aws.profileSource})`;
  if (aws.profileFound || aws.credentialSource === 'environment') {
    return { id: 'aws-profile', label: 'AWS profile', status: 'pass', value };
  }
  return {
    id: 'aws-profile',
    label: 'AWS profile',
    status: 'warn',
    value: `${value}; not found in ${aws.configFile} or ${aws.credentialsFile}`,
    fix: `Run \`aws configure --profile ${aws.profile}\` (or \`aws configure sso\`), or set AWS_PROFILE to an existing profile.`,
  };
}

const CREDENTIAL_LABELS: Record<CredentialSource, string> = {
  environment: 'environment variables (AWS_ACCESS_KEY_ID)',
  sso: 'IAM Identity Center (SSO) session',
  'static-keys': 'access keys in the shared credentials file',
  'assume-role': 'assumed role (role_arn)',
  'credential-process': 'credential_process',
  'web-identity': 'web identity token',
  'none-found': 'none found',
};

function credentialsCheck(aws: AwsSetup): DoctorCheck {
  const value = CREDENTIAL_LABELS[aws.credentialSource];
  if (aws.credentialSource !== 'none-found') {
    const fix =
      aws.credentialSource === 'sso'
        ? { fix: `If the session expired: \`aws sso login --profile ${aws.profile}\`.` }
        : {};
    return { id: 'aws-credentials', label: 'AWS credentials', status: 'pass', value, ...fix };
  }
  // Red: without credentials nothing in AWS can be checked or launched (an instance role is the rare exception).
  return {
    id: 'aws-credentials',
    label: 'AWS credentials',
    status: 'fail',
    value,
    fix: `Configure credentials for profile "${aws.profile}" (\`aws configure\` or \`aws configure sso\`); instance or container roles are only seen when TrainDeck calls AWS.`,
  };
}

function regionCheck(aws: AwsSetup): DoctorCheck {
  if (aws.region) {
    return { id: 'aws-region', label: 'AWS region', status: 'pass', value: `${aws.region} (from ${aws.regionSource})` };
  }
  return {
    id: 'aws-region',
    label: 'AWS region',
    status: 'warn',
    value: 'not set',
    fix: `Set AWS_REGION, or \`aws configure set region eu-west-1 --profile ${aws.profile}\`.`,
  };
}

function endpointCheck(env: NodeJS.ProcessEnv, aws: AwsSetup): DoctorCheck {
  const overrides = endpointOverridesFromEnv(env).map(
    (o) => `${o.service === 'ALL' ? 'all services' : o.service} → ${o.url} (${o.source})`,
  );
  if (aws.profileEndpoint && env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() !== 'true') {
    overrides.push(`all services → ${aws.profileEndpoint} (endpoint_url in profile "${aws.profile}")`);
  }
  return {
    id: 'aws-endpoints',
    label: 'AWS endpoints',
    status: 'info',
    value: overrides.length ? overrides.join('; ') : 'AWS public endpoints (no override)',
  };
}

/**
 * Which certificate authorities every AWS call trusts over HTTPS (`trusted-cas.ts`): AWS_CA_BUNDLE's, or
 * Node's roots; a bundle that cannot be used fails here with its fix before any run meets it.
 */
function trustCheck(env: NodeJS.ProcessEnv): DoctorCheck {
  const line = { id: 'aws-trust', label: 'AWS certificate authorities' };
  let ca: string[] | undefined;
  try {
    ca = trustedTls(env).ca;
  } catch (error) {
    const fix = (error as { fix?: string }).fix;
    return { ...line, status: 'fail', value: (error as Error).message, ...(fix ? { fix } : {}) };
  }
  if (ca) {
    const count = `${ca.length} certificate${ca.length === 1 ? '' : 's'}`;
    return { ...line, status: 'pass', value: `${count} of AWS_CA_BUNDLE (${env.AWS_CA_BUNDLE}), for every AWS call` };
  }
  const extra = env.NODE_EXTRA_CA_CERTS ? `, plus NODE_EXTRA_CA_CERTS (${env.NODE_EXTRA_CA_CERTS})` : '';
  return { ...line, status: 'info', value: `Node's bundled roots${extra} (AWS_CA_BUNDLE not set)` };
}

/**
 * Which prices the wizard, the monitor and the Costs page use now, of when: the Price List's (fresh
 * from AWS or the disk cache), a stale copy, or the bundled table with why (a refused
 * pricing:GetProducts says the IAM fix). Not asked without credentials or a region: no call is made.
 */
async function pricesCheck(inputs: DoctorInputs, aws: AwsSetup): Promise<DoctorCheck> {
  const label = 'Prices';
  const region = inputs.demoIdentity ? (aws.region ?? 'eu-west-1') : aws.region;
  const bundled = `bundled ${PRICE_TABLE.baseRegion} table of ${PRICE_TABLE.asOf}`;
  if (!region || (!inputs.demoIdentity && aws.credentialSource === 'none-found')) {
    const why = region ? 'no credentials' : 'no region';
    return { id: 'prices', label, status: 'info', value: `${bundled} (${why}: the Price List is not asked)` };
  }
  const table = await inputs.prices!(region, AbortSignal.timeout(PRICES_LIMIT_MS));
  const origin = table.origin;
  const fix = origin?.fix ? { fix: origin.fix } : {};
  if (!origin || origin.source === 'bundled') {
    const why = origin?.problem ? `: ${continuingSentence(origin.problem)}` : '';
    return { id: 'prices', label, status: 'warn', value: `${bundled}, offline${why.replace(/\.$/, '')}`, ...fix };
  }
  const fetched = `AWS Price List of ${region}, fetched ${origin.asOf.slice(0, 10)}`;
  if (origin.problem) {
    const stale = `${fetched} (a stale copy: ${continuingSentence(origin.problem).replace(/\.$/, '')})`;
    return { id: 'prices', label, status: 'warn', value: stale, ...fix };
  }
  return {
    id: 'prices',
    label,
    status: 'pass',
    value: `${fetched} (${origin.source === 'live' ? 'just now' : 'from the disk cache, kept 24 h'})`,
  };
}
