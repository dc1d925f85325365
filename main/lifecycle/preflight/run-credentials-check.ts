import type { PreflightCheck } from '../../../shared/domain/preflight';
import { TypedError } from '../../../shared/ipc/result';
import { formatDuration } from '../../../shared/report/format';
import { s3EndpointFromEnv } from '../../aws/s3-credentials';
import { runCredentialsSeconds } from '../../aws/scoped-credentials-plan';
import { awsCallCheck, check } from './check';
import type { PreflightInput } from './run-preflight';

const ID = 'credentials';
const LABEL = 'Run credentials';

/**
 * What the machine of an ssh-host or local run will hold, said before anything is sent: on AWS,
 * short-lived STS credentials limited to the run's prefix (which call, how long), and a failure
 * with the fix when the run needs them longer than STS gives (its final push would fail); with
 * an S3-compatible store, a warning that the store's own key goes as it is, after a confirmation.
 */
export async function runCredentialsCheck(input: Omit<PreflightInput, 'publicIp'>): Promise<PreflightCheck> {
  const { storage, training } = input.config;
  const where = `s3://${storage.bucket}/${storage.prefix ? `${storage.prefix}/` : ''}`;
  const endpoint = s3EndpointFromEnv(input.env);
  if (endpoint) {
    return check(
      ID,
      LABEL,
      'warn',
      `the store at ${endpoint} has no STS, so its own key goes to the machine as it is (asked once per store and key)`,
      `Give this run a key limited to ${where}, or keep the data in AWS S3, where the machine gets short-lived credentials limited to the prefix.`,
    );
  }
  const neededSeconds = runCredentialsSeconds({
    maxRuntimeMinutes: training?.maxRuntimeMinutes ?? 1440,
    graceSeconds: training?.graceSeconds ?? 60,
  });
  try {
    const plan = await input.ports.scopedCredentials.plan({ neededSeconds, whenTooLong: 'refuse' });
    if (!storage.prefix) {
      // Short-lived, but limited to nothing narrower than the bucket: the training could read,
      // overwrite or delete every object in it. EC2 runs refuse this (the instance role); here the
      // user's own machine is trusted more, so it is a warning with the fix, not a refusal.
      return check(
        ID,
        LABEL,
        'warn',
        `short-lived ${plan.call} credentials for the whole bucket ${where} (no prefix) for ${formatDuration(plan.durationSeconds)}; the machine can read, overwrite and delete every object in it`,
        'Set a prefix (Data → Prefix, or storage.prefix) so the machine can touch only this run’s objects.',
      );
    }
    return check(
      ID,
      LABEL,
      'pass',
      `short-lived ${plan.call} credentials limited to ${where} for ${formatDuration(plan.durationSeconds)}; your own keys stay here`,
    );
  } catch (error) {
    if (error instanceof TypedError && error.code === 'PRECONDITION_FAILED') {
      return check(ID, LABEL, 'fail', error.message, error.fix);
    }
    return awsCallCheck(ID, LABEL, 'fail', error, { signal: input.signal });
  }
}
