import { describe, expect, it } from 'vitest';

import { credentialsError, isNotFound, isThrottling, regionRefusal } from './aws-errors';
import { awsError } from './fake/fake-error';

const sdkCredentialsError = (message: string) =>
  Object.assign(new Error(message), { name: 'CredentialsProviderError' });

describe('AWS error classification', () => {
  it('turns an expired SSO session into the login command for the profile', () => {
    const error = credentialsError(
      sdkCredentialsError(
        'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
      ),
      'work',
    );
    expect(error?.fix).toBe('Run `aws sso login --profile work`, then try again.');
  });

  it('names an unknown profile', () => {
    expect(
      credentialsError(
        sdkCredentialsError(
          'Could not resolve credentials using profile: [nope] in configuration/credentials file(s).',
        ),
        'nope',
      )?.message,
    ).toBe('AWS profile "nope" was not found in ~/.aws/config or ~/.aws/credentials.');
  });

  it('leaves other errors alone', () => {
    expect(credentialsError(awsError('Unsupported', 'x'), 'a')).toBeUndefined();
  });

  it('tells throttling, refusals and not-found apart', () => {
    expect(isThrottling(awsError('RequestLimitExceeded', ''))).toBe(true);
    expect(isThrottling(awsError('UnauthorizedOperation', ''))).toBe(false);
    expect(regionRefusal(awsError('OptInRequired', ''))).toBe('not opted in');
    expect(regionRefusal(awsError('Throttling', ''))).toBeUndefined();
    expect(isNotFound(awsError('InvalidInstanceID.NotFound', ''))).toBe(true);
  });
});
