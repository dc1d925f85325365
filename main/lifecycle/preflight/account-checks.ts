import { randomBytes } from 'node:crypto';

import { type PreflightCheck, type PreflightReport, preflightReport } from '../../../shared/domain/preflight';
import { awsFailure } from '../../aws/aws-errors';
import { endpointOverrideFromEnv } from '../../aws/endpoints';
import { s3EndpointFromEnv } from '../../aws/s3-credentials';
import type { SseKey } from '../../sync/sse-key';
import { check, skipped } from './check';
import { localChecks } from './local-checks';
import type { PreflightInput } from './run-preflight';

/** What the rest of a preflight builds on once the local checks and the identity passed. */
export interface AccountReady {
  checks: PreflightCheck[];
  sseKey: SseKey;
  account: string;
  /** Names the bucket check's SSE-C probe object: when, plus a random part (two preflights never share one). */
  probeName: string;
}

/**
 * The first half of every preflight: the local checks (no network) and the caller's `ttl`
 * line, then who the credentials are (STS). A failure stops the preflight there with a
 * finished report, every check of `remaining` (identity first, as [id, label]) skipped.
 */
export async function accountChecks(
  input: Omit<PreflightInput, 'publicIp'>,
  ttl: PreflightCheck | PreflightCheck[],
  remaining: ReadonlyArray<[string, string]>,
  /** Why the run needs no identity (ssh-host, local: nothing is created in AWS); a failed STS call is then a warning. */
  stsOptional?: string,
): Promise<{ report: PreflightReport } | AccountReady> {
  const { config } = input;
  const stop = (checks: PreflightCheck[], because: string, skip: ReadonlyArray<[string, string]>) => ({
    report: preflightReport(new Date(input.clock.now()).toISOString(), [
      ...checks,
      ...skip.map(([id, label]) => skipped(id, label, because)),
    ]),
  });
  const local = await localChecks(config, input.env, input.keyVault);
  const checks = [...local.checks, ...[ttl].flat()];
  if (checks.some((c) => c.status === 'fail') || !local.sseKey) {
    return stop(checks, 'fix the problems above first', remaining);
  }

  let identity = { account: '', arn: '' };
  // An S3-compatible store and no STS named: asking AWS's STS would send the store's own key to AWS (and
  // fail there as an unknown key, which read as "no valid credentials" wherever AWS was reachable).
  const store = stsOptional ? s3EndpointFromEnv(input.env) : undefined;
  if (store && !endpointOverrideFromEnv('STS', input.env)) {
    checks.push(
      check(
        'identity',
        'Identity',
        'warn',
        `Not asked: S3 is served at ${store}, not by AWS, and no STS endpoint is set, so the store's key is not sent to AWS; not needed: ${stsOptional}`,
        'Set AWS_ENDPOINT_URL_STS if this store has an STS of its own.',
      ),
    );
  } else {
    try {
      identity = await input.ports.identity.whoAmI(input.signal ? { signal: input.signal } : {});
    } catch (error) {
      const failure = awsFailure(error, {
        profile: config.aws.profile ?? input.env.AWS_PROFILE,
        signal: input.signal,
      });
      if (!stsOptional || failure.kind === 'credentials' || failure.kind === 'cancelled') {
        checks.push(check('identity', 'Identity', 'fail', failure.message, failure.fix));
        return stop(checks, 'no valid credentials', remaining.slice(1));
      }
      // Only S3 is needed (e.g. an S3-compatible store without STS): say so, and let the bucket checks decide.
      checks.push(
        check(
          'identity',
          'Identity',
          'warn',
          `${failure.message.replace(/\.$/, '')}; not needed: ${stsOptional}`,
          failure.fix,
        ),
      );
    }
  }
  if (identity.account) checks.push(check('identity', 'Identity', 'pass', `${identity.account} (${identity.arn})`));
  const probeName = `${new Date(input.clock.now()).toISOString().replace(/[:.]/g, '')}-${randomBytes(4).toString('hex')}`;
  return { checks, sseKey: local.sseKey, account: identity.account, probeName };
}
