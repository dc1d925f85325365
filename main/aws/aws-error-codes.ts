import { TypedError } from '../../shared/ipc/result';

/** The AWS error code of a thrown value (the SDK and the fake both put it in `name`). */
export function awsErrorCode(error: unknown): string {
  if (error instanceof Error) return (error as Error & { Code?: string }).Code ?? error.name;
  return 'Unknown';
}

/** The network error code (`ECONNREFUSED`, `ENOTFOUND`…) of a failed call, when the request never got an answer. */
export function networkErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code) ? code : undefined;
}

const THROTTLING = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
]);

/** True when AWS asked us to slow down: retry with backoff. */
export function isThrottling(error: unknown): boolean {
  return THROTTLING.has(awsErrorCode(error));
}

/** True when a region refuses us (not opted in, or no permission): report it, do not fail the scan. */
export function regionRefusal(error: unknown): string | undefined {
  const code = awsErrorCode(error);
  if (code === 'OptInRequired') return 'not opted in';
  if (code === 'AuthFailure' || code === 'InvalidClientTokenId') return 'credentials not valid in this region';
  if (code === 'UnauthorizedOperation' || code.startsWith('AccessDenied')) return `no permission (${code})`;
  return undefined;
}

/** True when the resource is already gone: a delete that finds nothing has done its job. */
export function isNotFound(error: unknown): boolean {
  const code = awsErrorCode(error);
  return (
    code.endsWith('.NotFound') ||
    code === 'NotFound' ||
    code === 'NoSuchEntity' ||
    code === 'LoadBalancerNotFound' ||
    code === 'InvalidAllocationID.NotFound'
  );
}

/**
 * Turns a credentials failure into a readable error with its fix, or undefined when the
 * error is something else. The SDK reports these as CredentialsProviderError with text only.
 */
export function credentialsError(error: unknown, profile: string | undefined): TypedError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const code = awsErrorCode(error);
  const named = profile ?? 'default';
  if (
    /sso session .*(expired|invalid)|token .*expired|SSO.*refresh/i.test(message) ||
    code === 'ExpiredToken' ||
    code === 'ExpiredTokenException'
  ) {
    return new TypedError('UNAUTHORIZED', `The AWS session of profile "${named}" has expired.`, {
      fix: `Run \`aws sso login --profile ${named}\`, then try again.`,
      cause: error,
    });
  }
  if (
    /profile.*(not found|could not be found)|Could not resolve credentials using profile/i.test(message) ||
    code === 'ProfileNotFound'
  ) {
    return new TypedError(
      'UNAUTHORIZED',
      `AWS profile "${named}" was not found in ~/.aws/config or ~/.aws/credentials.`,
      {
        fix: 'Check the name with `aws configure list-profiles`, or create it with `aws configure --profile NAME`.',
        cause: error,
      },
    );
  }
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new TypedError('UNAUTHORIZED', 'No AWS credentials were found.', {
      fix: 'Set AWS_PROFILE to a configured profile, or run `aws configure`.',
      cause: error,
    });
  }
  if (code === 'InvalidClientTokenId' || code === 'SignatureDoesNotMatch' || code === 'UnrecognizedClientException') {
    return new TypedError('UNAUTHORIZED', `AWS rejected the credentials of profile "${named}" (${code}).`, {
      fix: 'Check the access key, or sign in again.',
      cause: error,
    });
  }
  return undefined;
}
