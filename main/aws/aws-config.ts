import { homedir } from 'node:os';
import { join } from 'node:path';

import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';

/** How the SDK's default chain would find credentials for a profile (never the values). */
export type CredentialSource =
  'environment' | 'sso' | 'static-keys' | 'assume-role' | 'credential-process' | 'web-identity' | 'none-found';

/** What the standard AWS configuration would make TrainDeck use, without calling AWS. */
export interface AwsSetup {
  profile: string;
  profileSource: string;
  profileFound: boolean;
  region?: string;
  regionSource?: string;
  credentialSource: CredentialSource;
  configFile: string;
  credentialsFile: string;
  /** `endpoint_url` set in the profile itself, if any. */
  profileEndpoint?: string;
}

/**
 * Reads `~/.aws/config` and `~/.aws/credentials` (or the files named by AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE) the way the SDK does, and reports profile, region and the
 * kind of credentials. No secret leaves this function.
 */
export async function inspectAwsSetup(env: NodeJS.ProcessEnv = process.env, home = homedir()): Promise<AwsSetup> {
  const configFile = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials');
  const files = await loadSharedConfigFiles({
    configFilepath: configFile,
    filepath: credentialsFile,
    ignoreCache: true,
  });
  const profile = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default';
  const profileSource = env.AWS_PROFILE
    ? 'AWS_PROFILE'
    : env.AWS_DEFAULT_PROFILE
      ? 'AWS_DEFAULT_PROFILE'
      : 'the default profile';
  const config = files.configFile[profile] ?? {};
  const credentials = files.credentialsFile[profile] ?? {};
  const profileFound = profile in files.configFile || profile in files.credentialsFile;

  const envRegion = env.AWS_REGION
    ? ['AWS_REGION', env.AWS_REGION]
    : env.AWS_DEFAULT_REGION
      ? ['AWS_DEFAULT_REGION', env.AWS_DEFAULT_REGION]
      : undefined;
  const region = envRegion?.[1] ?? config.region;
  const regionSource = envRegion?.[0] ?? (config.region ? `profile "${profile}" in ${configFile}` : undefined);

  return {
    profile,
    profileSource,
    profileFound,
    ...(region ? { region } : {}),
    ...(regionSource ? { regionSource } : {}),
    credentialSource: credentialSourceOf(env, { ...credentials, ...config }),
    configFile,
    credentialsFile,
    ...(config.endpoint_url ? { profileEndpoint: config.endpoint_url } : {}),
  };
}

function credentialSourceOf(env: NodeJS.ProcessEnv, profile: Record<string, string | undefined>): CredentialSource {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'environment';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return 'web-identity';
  if (profile.sso_session || profile.sso_start_url) return 'sso';
  if (profile.role_arn) return 'assume-role';
  if (profile.credential_process) return 'credential-process';
  if (profile.aws_access_key_id && profile.aws_secret_access_key) return 'static-keys';
  return 'none-found';
}
