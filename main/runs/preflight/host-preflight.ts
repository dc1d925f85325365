import { preflightReport, type PreflightCheck, type PreflightReport } from '../../../shared/domain/preflight';
import { accountChecks } from './account-checks';
import { bucketChecks } from './bucket-checks';
import { check } from './check';
import { runPreflight, type PreflightInput } from './run-preflight';
import { sshHostChecks } from './ssh-host-checks';

const REMOTE_CHECKS: Array<[string, string]> = [
  ['identity', 'Identity'],
  ['bucket', 'Bucket'],
  ['versioning', 'Versioning'],
  ['sse-c', 'SSE-C'],
  ['ssh', 'Machine'],
  ['host-key', 'Host key'],
];

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
  if (!host)
    return finish([
      check(
        'ssh',
        'Machine',
        'fail',
        'the run config has no "sshHost" section',
        'Choose "My machine over SSH" in the Compute step, or add "sshHost": { "address": "me@host:22", "identityFile": "~/.ssh/id_ed25519" }.',
      ),
    ]);
  const limit = config.training?.maxRuntimeMinutes ?? 1440;
  const ttl = check(
    'ttl',
    'Time to live',
    'pass',
    `training stops after ${limit} min and the data is pushed; the machine stays on (it is yours)`,
  );
  const ready = await accountChecks(input, ttl, REMOTE_CHECKS);
  if ('report' in ready) return ready.report;
  const [bucket, machine] = await Promise.all([
    bucketChecks(config, ports.bucket, ready.sseKey, ready.probeName, options),
    sshHostChecks(host, input.signal),
  ]);
  return finish([...ready.checks, ...bucket.checks, ...machine]);
}

/** The preflight a config asks for: its own machine (`sshHost`) or a new EC2 instance. */
export async function preflightFor(input: PreflightInput): Promise<PreflightReport> {
  if (input.config.sshHost) return runHostPreflight(input);
  return (await runPreflight(input)).report;
}
