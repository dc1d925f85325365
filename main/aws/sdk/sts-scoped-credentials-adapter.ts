import {
  AssumeRoleCommand,
  type Credentials,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  type STSClient,
} from '@aws-sdk/client-sts';

import { TypedError } from '../../../shared/ipc/result';
import { awsErrorCode, awsFailureError } from '../aws-errors';
import type { ScopedCredentials, ScopedCredentialsPort } from '../ports/scoped-credentials-port';
import { planScopedCredentials, roleOfSession, RUN_ROLE_ENV } from '../scoped-credentials-plan';
import { sendOptions } from './sdk-tags';

/**
 * The desktop's credentials narrowed by STS before any leave this computer: GetFederationToken
 * for an IAM user's long-term keys, AssumeRole for session credentials (see
 * {@link planScopedCredentials} for why). Either call carries the request's session policy and
 * duration. A refusal (no sts:GetFederationToken or sts:AssumeRole permission) is a sentence
 * naming the permission to add; nothing falls back to the long-term keys.
 */
export function createScopedCredentialsAdapter(
  sts: STSClient,
  options: { profile?: string } = {},
): ScopedCredentialsPort {
  return {
    async plan(request) {
      try {
        const own = await sts.config.credentials();
        return planScopedCredentials({ hasSessionToken: Boolean(own.sessionToken), ...request });
      } catch (error) {
        throw awsFailureError(error, { profile: options.profile });
      }
    },
    async issue(request) {
      try {
        const own = await sts.config.credentials();
        const plan = planScopedCredentials({
          hasSessionToken: Boolean(own.sessionToken),
          neededSeconds: request.neededSeconds,
          whenTooLong: request.whenTooLong,
        });
        if (plan.call === 'GetFederationToken') {
          const answer = await sts
            .send(
              new GetFederationTokenCommand({
                Name: request.sessionName,
                Policy: request.policy,
                DurationSeconds: plan.durationSeconds,
              }),
              sendOptions(request.signal),
            )
            .catch((error: unknown) => {
              throw refusal(error, 'GetFederationToken', federationFix(), options.profile);
            });
          return scoped(answer.Credentials, plan.call);
        }
        const roleArn = request.roleArn ?? (await callerRole(sts, request.signal));
        const answer = await sts
          .send(
            new AssumeRoleCommand({
              RoleArn: roleArn,
              RoleSessionName: request.sessionName,
              Policy: request.policy,
              DurationSeconds: plan.durationSeconds,
            }),
            sendOptions(request.signal),
          )
          .catch((error: unknown) => {
            throw refusal(error, `AssumeRole of ${roleArn}`, assumeRoleFix(roleArn), options.profile);
          });
        return scoped(answer.Credentials, plan.call);
      } catch (error) {
        throw awsFailureError(error, { profile: options.profile, signal: request.signal });
      }
    },
  };
}

async function callerRole(sts: STSClient, signal: AbortSignal): Promise<string> {
  const { Arn } = await sts.send(new GetCallerIdentityCommand({}), sendOptions(signal));
  const role = roleOfSession(Arn ?? '');
  if (!role) {
    throw new TypedError(
      'PRECONDITION_FAILED',
      `Your AWS credentials are a session of ${Arn ?? 'an unknown identity'}, not of a role TrainDeck can assume again to give this run credentials limited to its bucket prefix`,
      {
        fix: `Set ${RUN_ROLE_ENV} to a role you may assume that can reach the bucket, or use an IAM user's access keys for this profile.`,
      },
    );
  }
  return role;
}

function federationFix(): string {
  return 'Allow "sts:GetFederationToken" on "arn:aws:sts::*:federated-user/traindeck-*" in your IAM user\'s policy (TrainDeck narrows your keys to the run\'s bucket prefix with it), or run on aws-ec2.';
}

function assumeRoleFix(roleArn: string): string {
  return `Allow "sts:AssumeRole" on ${roleArn} for your session (in your permissions and in the role's trust policy), or set ${RUN_ROLE_ENV} to a role you may assume, or use an IAM user's access keys.`;
}

function refusal(error: unknown, what: string, fix: string, profile: string | undefined): unknown {
  const code = awsErrorCode(error);
  if (!code.startsWith('AccessDenied') && code !== 'InvalidClientTokenId' && code !== 'InvalidAction') return error;
  return new TypedError(
    'FORBIDDEN',
    `STS refused ${what} (${code}${profile ? `, profile ${profile}` : ''}), so TrainDeck cannot give this run short-lived credentials limited to its bucket prefix, and it never sends your own keys instead`,
    { fix, cause: error },
  );
}

function scoped(credentials: Credentials | undefined, call: ScopedCredentials['call']): ScopedCredentials {
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = credentials ?? {};
  if (!AccessKeyId || !SecretAccessKey || !SessionToken || !Expiration) {
    throw new TypedError('AWS', `STS answered ${call} without complete credentials`, {
      fix: 'Try again; if it persists, check the STS endpoint (AWS_ENDPOINT_URL_STS) points at AWS STS.',
    });
  }
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: SessionToken,
    expiresAt: Expiration.toISOString(),
    call,
  };
}
