import type { PreflightCheck } from '../../../shared/domain/preflight';
import { isKnownRegion, suggestRegion } from '../../../shared/domain/regions';
import { TypedError } from '../../../shared/ipc/result';
import type { RunConfig } from '../../../shared/run-config/schema';
import { inspectAwsSetup } from '../../aws/aws-config';
import { endpointOverridesFromEnv } from '../../aws/endpoints';
import { usesFakeAws } from '../../aws/fake/demo-mode';
import { readSecretEnv } from '../../config/read-secret-env';
import type { KeyVault } from '../../sync/key-vault';
import { loadSseKey, type SseKey } from '../../sync/sse-key';
import { check } from './check';

/** The secret env files, read as the run's start reads them (one line, the values never shown). */
async function secretEnvChecks(config: RunConfig): Promise<PreflightCheck[]> {
  const names = Object.keys(config.training?.secretEnv ?? {});
  if (!names.length) return [];
  try {
    await readSecretEnv(config.training?.secretEnv);
    return [check('secret-env', 'Secret env files', 'pass', `${names.join(', ')}: readable, not empty`)];
  } catch (error) {
    if (!(error instanceof TypedError)) throw error;
    return [check('secret-env', 'Secret env files', 'fail', error.message, error.fix)];
  }
}

/** The checks that need no network: profile, region name, secret env files, key file. */
export async function localChecks(
  config: RunConfig,
  env: NodeJS.ProcessEnv,
  keyVault?: KeyVault,
): Promise<{ checks: PreflightCheck[]; sseKey?: SseKey }> {
  const checks: PreflightCheck[] = [];
  const profileEnv = config.aws.profile ? { ...env, AWS_PROFILE: config.aws.profile } : env;
  const setup = await inspectAwsSetup(profileEnv);
  const explicit = Boolean(config.aws.profile || env.AWS_PROFILE);
  if (setup.credentialSource === 'environment') {
    checks.push(check('aws-profile', 'AWS credentials', 'pass', 'from environment variables'));
  } else if (usesFakeAws(env)) {
    // The demo account answers in memory and needs none: "none found" beside its passing identity was a contradiction.
    checks.push(
      check('aws-profile', 'AWS credentials', 'pass', 'not used: the demo account is in memory, nothing is real'),
    );
  } else if (!setup.profileFound && explicit) {
    checks.push(
      check(
        'aws-profile',
        'AWS profile',
        'fail',
        `profile "${setup.profile}" not found in ${setup.configFile} or ${setup.credentialsFile}`,
        'Check the name with `aws configure list-profiles`, or create it with `aws configure --profile NAME` (SSO: `aws configure sso`).',
      ),
    );
  } else if (setup.credentialSource === 'none-found')
  // The SDK may still find an instance role or container credentials: a warning, and STS or S3 decides.
  {
    checks.push(
      check(
        'aws-profile',
        'AWS credentials',
        'warn',
        `none found: no AWS_ACCESS_KEY_ID, and profile "${setup.profile}" has no keys, SSO or role in ${setup.configFile} or ${setup.credentialsFile}`,
        'Set AWS_PROFILE to a configured profile, or run `aws configure` (SSO: `aws configure sso`).',
      ),
    );
  } else checks.push(check('aws-profile', 'AWS profile', 'pass', `${setup.profile} (${setup.credentialSource})`));

  const region = config.aws.region;
  if (isKnownRegion(region)) checks.push(check('region', 'Region', 'pass', region));
  else if (endpointOverridesFromEnv(env).length > 0) {
    checks.push(
      check(
        'region',
        'Region',
        'warn',
        `${region} is not a known AWS region (an endpoint override is set, so it is used as is)`,
      ),
    );
  } else {
    const suggestion = suggestRegion(region);
    checks.push(
      check(
        'region',
        'Region',
        'fail',
        `"${region}" is not an AWS region`,
        suggestion
          ? `Did you mean "${suggestion}"? Fix aws.region in the run config.`
          : 'Fix aws.region in the run config, e.g. "eu-west-1".',
      ),
    );
  }

  checks.push(...(await secretEnvChecks(config)));
  try {
    // The sync engine's own loader: one definition of what a valid key file is.
    const key = await loadSseKey(config.storage.sseKeyFile, keyVault);
    checks.push(check('sse-key', 'SSE-C key', 'pass', `32-byte key, fingerprint ${key.fingerprint}`));
    return { checks, sseKey: key };
  } catch (error) {
    if (!(error instanceof TypedError)) throw error;
    checks.push(check('sse-key', 'SSE-C key', 'fail', error.message, error.fix));
    return { checks };
  }
}
