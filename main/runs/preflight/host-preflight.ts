import { randomBytes } from 'node:crypto';
import { preflightReport, type PreflightCheck, type PreflightReport } from '../../../shared/domain/preflight';
import { credentialsError, describeAwsError } from '../../aws/aws-errors';
import { bucketChecks } from './bucket-checks';
import { check, skipped } from './check';
import { localChecks } from './local-checks';
import { runPreflight, type PreflightInput } from './run-preflight';
import { sshHostChecks } from './ssh-host-checks';

const REMOTE_CHECKS: Array<[string, string]> = [['identity', 'Identity'], ['bucket', 'Bucket'], ['versioning', 'Versioning'], ['sse-c', 'SSE-C'], ['ssh', 'Machine'], ['host-key', 'Host key']];

/**
 * The preflight of an ssh-host run (the config's `sshHost` section): the same local, identity
 * and bucket checks as an EC2 launch, then the machine itself instead of the EC2 checks.
 * Nothing is created in AWS; the machine's data stays its own.
 */
export async function runHostPreflight(input: Omit<PreflightInput, 'publicIp'>): Promise<PreflightReport> {
  const { config, ports } = input;
  const options = input.signal ? { signal: input.signal } : {};
  const finish = (checks: PreflightCheck[]) => preflightReport(new Date(input.clock.now()).toISOString(), checks);
  const host = config.sshHost;
  if (!host) return finish([check('ssh', 'Machine', 'fail', 'the run config has no "sshHost" section', 'Choose "My machine over SSH" in the Compute step, or add "sshHost": { "address": "me@host:22", "identityFile": "~/.ssh/id_ed25519" }.')]);
  const local = await localChecks(config, input.env, input.keyVault);
  const limit = config.training?.maxRuntimeMinutes ?? 1440;
  const checks = [...local.checks, check('ttl', 'Time to live', 'pass', `training stops after ${limit} min and the data is pushed; the machine stays on (it is yours)`)];
  if (checks.some((c) => c.status === 'fail') || !local.sseKey) return finish([...checks, ...REMOTE_CHECKS.map(([id, label]) => skipped(id, label, 'fix the problems above first'))]);

  try {
    const identity = await ports.identity.whoAmI(options);
    checks.push(check('identity', 'Identity', 'pass', `${identity.account} (${identity.arn})`));
  } catch (error) {
    const typed = credentialsError(error, config.aws.profile ?? input.env.AWS_PROFILE);
    checks.push(check('identity', 'Identity', 'fail', typed?.message ?? describeAwsError(error), typed?.fix));
    return finish([...checks, ...REMOTE_CHECKS.slice(1).map(([id, label]) => skipped(id, label, 'no valid credentials'))]);
  }
  const probeName = `${new Date(input.clock.now()).toISOString().replace(/[:.]/g, '')}-${randomBytes(4).toString('hex')}`;
  const [bucket, machine] = await Promise.all([bucketChecks(config, ports.bucket, local.sseKey, probeName, options), sshHostChecks(host, input.signal)]);
  return finish([...checks, ...bucket.checks, ...machine]);
}

/** The preflight a config asks for: its own machine (`sshHost`) or a new EC2 instance. */
export async function preflightFor(input: PreflightInput): Promise<PreflightReport> {
  if (input.config.sshHost) return runHostPreflight(input);
  return (await runPreflight(input)).report;
}
