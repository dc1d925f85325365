import { type PreflightCheck, type PreflightReport, preflightReport } from '../../../shared/domain/preflight';
import type { ComputeBackendKind } from '../../../shared/domain/run';
import { TypedError } from '../../../shared/ipc/result';
import { formatUsd } from '../../../shared/report/format';
import { joinSentences } from '../../../shared/text/sentences';
import { parseSshAddress, sshWorkRoot } from '../../ssh/ssh-address';
import { accountChecks } from './account-checks';
import { check, skipped } from './check';
import { bytesToPull } from './disk-room';
import { runCredentialsCheck } from './run-credentials-check';
import { bucketAndDataChecks, type PreflightInput, runPreflight } from './run-preflight';
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
async function runHostPreflight(input: Omit<PreflightInput, 'publicIp'>): Promise<PreflightReport> {
  const { config } = input;
  const finish = (checks: PreflightCheck[]) => preflightReport(new Date(input.clock.now()).toISOString(), checks);
  const host = config.sshHost;
  if (!host) {
    return finish([
      check(
        'ssh',
        'Machine',
        'fail',
        'the run config has no "sshHost" section',
        'Choose "My machine over SSH" in the Compute step, or add "sshHost": { "address": "me@host:22", "identityFile": "~/.ssh/id_ed25519" }.',
      ),
    ]);
  }
  const limit = config.training?.maxRuntimeMinutes ?? 1440;
  const ttl = check(
    'ttl',
    'Time to live',
    'pass',
    `training stops after ${limit} min and the data is pushed; the machine stays on (it is yours)`,
  );
  const ready = await accountChecks(input, ttl, REMOTE_CHECKS, NOTHING_IN_AWS);
  if ('report' in ready) return ready.report;
  // Data first: a wrong key or a bad bucket fails here, before the machine is logged in to.
  const data = await bucketAndDataChecks(input, ready.sseKey, ready.probeName);
  const credentials = await runCredentialsCheck(input);
  const machine = data.checks.some((c) => c.status === 'fail')
    ? [skipped('ssh', 'Machine', 'fix the storage problems above first'), skipped('host-key', 'Host key', 'no login')]
    : await sshHostChecks(host, input.signal, await hostRoom(input, host.address));
  return finish([...ready.checks, ...data.checks, credentials, ...machine, ...budgetOnOwnMachine(config)]);
}

/**
 * `training.maxCostUsd` prices an EC2 instance; a machine TrainDeck does not bill has no burn
 * rate, so a budget would silently never stop it. Said, with what does limit such a run.
 */
function budgetOnOwnMachine(config: PreflightInput['config']): PreflightCheck[] {
  const budget = config.training?.maxCostUsd;
  if (budget === undefined) return [];
  return [
    check(
      'budget',
      'Budget',
      'warn',
      `training.maxCostUsd (${formatUsd(budget)}) has no effect here: this machine is not billed through TrainDeck, so the run has no cost to stop at`,
      'Limit the run with training.maxRuntimeMinutes instead, or remove training.maxCostUsd.',
    ),
  ];
}

// The pull figures for the machine's disk-room check (only where the run's store is known).
async function hostRoom(input: Omit<PreflightInput, 'publicIp'>, address: string) {
  if (!input.objectStore) return undefined;
  const figures = await bytesToPull(input.config, input.objectStore, input.signal).catch(() => undefined);
  return figures ? { workRoot: sshWorkRoot(input.env, parseSshAddress(address).username), figures } : undefined;
}

const NOTHING_IN_AWS = 'this run creates nothing in AWS, and the bucket is checked below';

const LOCAL_CHECKS: Array<[string, string]> = [
  ['identity', 'Identity'],
  ['bucket', 'Bucket'],
  ['versioning', 'Versioning'],
  ['sse-c', 'SSE-C'],
];

/** The preflight of a local dry run: the same local, identity, bucket and data checks; the machine is this one. */
async function runLocalPreflight(input: Omit<PreflightInput, 'publicIp'>): Promise<PreflightReport> {
  const limit = input.config.training?.maxRuntimeMinutes ?? 1440;
  const ttl = check('ttl', 'Time to live', 'pass', `training stops after ${limit} min and the data is pushed`);
  const ready = await accountChecks(input, ttl, LOCAL_CHECKS, NOTHING_IN_AWS);
  if ('report' in ready) return ready.report;
  const data = await bucketAndDataChecks(input, ready.sseKey, ready.probeName);
  const credentials = await runCredentialsCheck(input);
  return preflightReport(new Date(input.clock.now()).toISOString(), [
    ...ready.checks,
    ...data.checks,
    credentials,
    ...budgetOnOwnMachine(input.config),
  ]);
}

/**
 * The one preflight of every backend, the same for `traindeck preflight`, the app's review step
 * and a run's preflight phase: a new EC2 instance, your own machine (`sshHost`), or this computer.
 * Without `backend`, the config decides (an `sshHost` section runs there).
 */
export async function preflightFor(input: PreflightInput, backend?: ComputeBackendKind): Promise<PreflightReport> {
  const kind = backend ?? (input.config.sshHost ? 'ssh-host' : 'aws-ec2');
  if (kind === 'ssh-host') return runHostPreflight(input);
  if (kind === 'local') return runLocalPreflight(input);
  return (await runPreflight(input)).report;
}

/** A failed preflight as the error a run's preflight phase shows: the first failing check and its fix. */
export function preflightError(report: PreflightReport): TypedError {
  const failed = report.checks.filter((c) => c.status === 'fail');
  const first = failed[0];
  return new TypedError(
    'PRECONDITION_FAILED',
    joinSentences(
      `Preflight failed: ${first ? `${first.label}: ${first.value}` : 'see the report'}`,
      failed.length > 1 ? `${failed.length - 1} more check(s) failed` : undefined,
      'Nothing was created',
    ),
    { ...(first?.fix ? { fix: first.fix } : {}), details: { report } },
  );
}

/** What a passed preflight shows in a run's preflight phase: how many checks, and every warning. */
export function preflightFacts(report: PreflightReport): Record<string, unknown> {
  const warnings = report.checks.filter((c) => c.status === 'warn').map((c) => `${c.label}: ${c.value}`);
  return { checks: report.checks.length, ...(warnings.length ? { warnings } : {}) };
}

/** A run's preflight phase: the report, or its first failure as the phase's error. */
export async function passedPreflight(report: Promise<PreflightReport>): Promise<Record<string, unknown>> {
  const done = await report;
  if (!done.ok) throw preflightError(done);
  return preflightFacts(done);
}
