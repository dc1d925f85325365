import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

import { APP_VERSION } from '../core/version';
import type { AwsServiceId } from './endpoints';
import { trustedTls } from './trusted-cas';

/** Everything that decides how a client talks to AWS (or an AWS-compatible endpoint). */
export interface AwsSettings {
  region: string;
  /** A profile of ~/.aws; omitted means the SDK's default chain (AWS_PROFILE, env keys, SSO…). */
  profile?: string;
  /** Explicit credentials (tests, the executor with its instance role left to the chain). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Explicit endpoints per service; otherwise the SDK's standard AWS_ENDPOINT_URL[_<ID>] apply. */
  endpoints?: Partial<Record<AwsServiceId, string>>;
  /** Attempts per call, including the first (SDK standard retry: backoff with jitter, throttling aware). */
  maxAttempts?: number;
  env?: NodeJS.ProcessEnv;
}

const DEFAULT_ATTEMPTS = 5;

/**
 * Settings every client shares: region, retries, user agent, credentials, endpoint override, and how
 * HTTPS is checked (`trusted-cas.ts`: AWS_CA_BUNDLE, as the AWS CLI applies it to every service). The
 * handler is given as options, not built: the SDK then makes its usual keep-alive agent (50 sockets)
 * with these added, and sets no timeout of its own, as before. Throws a sentence with its fix for an
 * unusable bundle.
 */
export function baseConfig(service: AwsServiceId, settings: AwsSettings) {
  const endpoint = settings.endpoints?.[service];
  return {
    requestHandler: { httpsAgent: trustedTls(settings.env ?? process.env) },
    region: settings.region,
    maxAttempts: settings.maxAttempts ?? DEFAULT_ATTEMPTS,
    retryMode: 'standard',
    customUserAgent: `traindeck/${APP_VERSION}`,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}
