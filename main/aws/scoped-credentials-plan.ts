import { TypedError } from '../../shared/ipc/result';
import { formatDuration } from '../../shared/report/format';
import type { ScopedCredentialsCall, ScopedCredentialsPlan } from './ports/scoped-credentials-port';

/** The shortest credentials STS gives, whatever the call. */
export const STS_MIN_SECONDS = 900;
/** GetFederationToken with an IAM user's long-term keys: up to 36 hours. */
export const FEDERATION_TOKEN_MAX_SECONDS = 36 * 3600;
/** AssumeRole called with session credentials is role chaining, which AWS caps at one hour whatever the role's maximum. */
export const ROLE_CHAIN_MAX_SECONDS = 3600;

/**
 * How long after the time-to-live and grace a run's credentials must still work: the bootstrap
 * before the executor's clock starts, the final push, and the desktop's verification.
 */
export const PUSH_MARGIN_SECONDS = 30 * 60;

/**
 * How long an ssh-host or local run needs its credentials. They are not refreshed inside the
 * detached executor (nothing could reach it), so they must outlast its whole life: the training's
 * maximum runtime, its grace, and {@link PUSH_MARGIN_SECONDS}.
 */
export function runCredentialsSeconds(training: { maxRuntimeMinutes: number; graceSeconds: number }): number {
  return training.maxRuntimeMinutes * 60 + training.graceSeconds + PUSH_MARGIN_SECONDS;
}

/** The environment variable naming the role session credentials assume for a run (default: the caller's own role). */
export const RUN_ROLE_ENV = 'TRAINDECK_RUN_ROLE_ARN';

/**
 * Picks the STS call the desktop's credentials allow. Long-term keys (an IAM user's: no session
 * token) call GetFederationToken, which needs no role and lasts 15 min–36 h; STS refuses it to
 * session credentials. Session credentials (a role, SSO, any credential_process that gives a
 * token) call AssumeRole, since they cannot federate; that is role chaining, capped at 1 h. A need
 * beyond the cap is refused with the fix for a new run (its final push would fail) and clamped for
 * a re-push or resume (the data must go; they are short).
 */
export function planScopedCredentials(input: {
  hasSessionToken: boolean;
  neededSeconds: number;
  whenTooLong: 'refuse' | 'clamp';
}): ScopedCredentialsPlan {
  const call: ScopedCredentialsCall = input.hasSessionToken ? 'AssumeRole' : 'GetFederationToken';
  const max = call === 'AssumeRole' ? ROLE_CHAIN_MAX_SECONDS : FEDERATION_TOKEN_MAX_SECONDS;
  const needed = Math.max(STS_MIN_SECONDS, Math.ceil(input.neededSeconds));
  if (needed > max && input.whenTooLong === 'refuse') {
    const overMinutes = Math.ceil((needed - max) / 60);
    throw new TypedError(
      'PRECONDITION_FAILED',
      `This run needs AWS credentials for ${formatDuration(needed)} (its time-to-live, grace and the final push), but STS gives ${call} credentials at most ${formatDuration(max)}`,
      {
        fix:
          call === 'AssumeRole'
            ? `Lower training.maxRuntimeMinutes by at least ${overMinutes} min, or use an IAM user's access keys for this profile (their GetFederationToken credentials last up to 36 h), or run on aws-ec2 (the instance role needs no credentials).`
            : `Lower training.maxRuntimeMinutes by at least ${overMinutes} min, or run on aws-ec2 (the instance role needs no credentials).`,
      },
    );
  }
  return { call, durationSeconds: Math.min(needed, max) };
}

/**
 * `traindeck-<run>` as STS accepts it for a federated user or a role session (2–32 of `\w+=,.@-`):
 * a long run id keeps its end (date, time and random suffix), which tells runs apart.
 */
export function stsSessionName(runId: string): string {
  return `traindeck-${runId.replace(/[^\w+=,.@-]/g, '-').slice(-22)}`;
}

/**
 * The role behind a role session's ARN (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`), for
 * assuming it again with a session policy. IAM Identity Center roles live under their reserved
 * path. Undefined for anything else (an IAM user, a federated user).
 */
export function roleOfSession(callerArn: string): string | undefined {
  const match = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+$/.exec(callerArn);
  if (!match) return undefined;
  const [, partition, account, name] = match;
  const path = name!.startsWith('AWSReservedSSO_') ? '/aws-reserved/sso.amazonaws.com/' : '/';
  return `arn:${partition}:iam::${account}:role${path}${name}`;
}
