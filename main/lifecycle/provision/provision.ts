import type { LaunchAttempt, LaunchMarket, PlacementCandidate } from '../../../shared/domain/capacity-failover';
import type { JournalResourceKind } from '../../../shared/domain/run-journal';
import { runTags } from '../../../shared/domain/tags';
import { TypedError } from '../../../shared/ipc/result';
import { formatDurationMs } from '../../../shared/monitor/notices';
import { awsErrorCode, describeAwsError, isThrottling } from '../../aws/aws-errors';
import type { AwsPorts } from '../../aws/ports/aws-ports';
import { waitFor } from '../../aws/waiters';
import type { Clock } from '../../core/clock';
import { ownTicks } from '../../core/process-identity';
import { retry } from '../../core/retry';
import { type Sleep } from '../../core/sleep';
import { type JournalWriter, runKeyFile } from '../journal/run-journal';
import type { LaunchPlan } from '../preflight/run-preflight';
import { parseHostKeyFingerprints } from './host-keys';
import { instanceProfileSpec } from './instance-policy';
import { checkInstanceRole } from './instance-role-check';
import { launchCandidates, launchWithFailover } from './launch-with-failover';
import { generateSshKeyPair, writePrivateKey } from './ssh-key';
import type { SshProbe } from './ssh-probe';
import { userDataScript } from './user-data';

/** Limits of the waits after RunInstances. */
export interface ProvisionWaits {
  runningMs: number;
  statusChecksMs: number;
  consoleMs: number;
  sshMs: number;
}

/** What provisioning depends on. */
export interface ProvisionDeps {
  ports: AwsPorts;
  journal: JournalWriter;
  dataDir: string;
  clock: Clock;
  sleep: Sleep;
  probe: SshProbe;
  createdBy: string;
  signal?: AbortSignal;
  waits?: Partial<ProvisionWaits>;
  /** Which launch of the run this is (a spot relaunch: 2 on); its RunInstances tokens are its own. */
  attempt?: number;
  onStep?(step: string, detail: string): void;
  /** Progress of each wait: at its start, then about every {@link WAIT_REPORT_MS}. */
  onWait?(wait: ProvisionWait): void;
  /** The placement RunInstances took (after any capacity failover), before the waits: what bills from now on. */
  onLaunched?(placement: PlacementCandidate): void;
}

/** Where one of the waits after RunInstances stands. */
export interface ProvisionWait {
  step: 'running' | 'status-checks' | 'host-key' | 'ssh';
  /** What is awaited, e.g. "sshd at 203.0.113.4:22". */
  what: string;
  elapsedMs: number;
  limitMs: number;
}

/** How often a wait reports its progress (the first report is at its start). */
const WAIT_REPORT_MS = 30_000;

/** One line for a wait: "waiting for sshd at 203.0.113.4:22: 45 s of 5 min". */
export function formatWait(wait: ProvisionWait): string {
  return `waiting for ${wait.what}: ${formatDurationMs(wait.elapsedMs)} of ${formatDurationMs(wait.limitMs)}`;
}

/** A reachable instance. */
export interface ProvisionedRun {
  runId: string;
  region: string;
  instanceId: string;
  publicIp: string;
  sshUser: string;
  keyFile: string;
  hostKeyFingerprints: string[];
  /** Where the instance runs: the placement that had capacity (capacity failover may move it). */
  instanceType: string;
  zone: string;
  market: LaunchMarket;
  /** Every placement tried, in order, the launched one last. */
  attempts: LaunchAttempt[];
}

const DEFAULT_WAITS: ProvisionWaits = {
  runningMs: 10 * 60_000,
  statusChecksMs: 15 * 60_000,
  consoleMs: 5 * 60_000,
  sshMs: 5 * 60_000,
};

/**
 * Creates the run's key pair, security group, instance profile and instance, each announced
 * in the journal (intent, fsync'd) before its create call and recorded after it, each tagged
 * by the call that creates it; the instance goes to the plan's first placement with capacity
 * (capacity failover: zones, then alternative types, then on-demand); then waits, bounded, until the instance runs, passes its
 * status checks and sshd answers. Errors are thrown as they are: the caller cleans up.
 */
export async function provisionRun(plan: LaunchPlan, runId: string, deps: ProvisionDeps): Promise<ProvisionedRun> {
  const { journal, signal } = deps;
  const options = signal ? { signal } : {};
  const waits = { ...DEFAULT_WAITS, ...deps.waits };
  const ec2 = deps.ports.ec2(plan.region);
  const name = `traindeck-${runId}`;
  const tags = runTags(runId, name, deps.createdBy);
  const quickRetry = { attempts: 5, baseMs: 500, retryable: isThrottling, sleep: deps.sleep, ...options };
  const wait = { clock: deps.clock, sleep: deps.sleep, ...options };
  // Each wait reports at its start and then every WAIT_REPORT_MS, so a run is never silent for minutes.
  const progress = (step: ProvisionWait['step'], what: string, limitMs: number) => {
    let next = 0;
    const report = (elapsedMs: number) => {
      if (elapsedMs < next) return;
      next = elapsedMs + WAIT_REPORT_MS;
      deps.onWait?.({ step, what, elapsedMs, limitMs });
    };
    report(0);
    return { onPoll: report };
  };

  const create = async (
    step: string,
    kind: JournalResourceKind,
    detail: string,
    call: () => Promise<string>,
  ): Promise<string> => {
    deps.onStep?.(step, detail);
    await journal.append({ type: 'intent', step, kind, name });
    const id = await call();
    await journal.append({ type: 'created', step, kind, id });
    return id;
  };

  await journal.append({
    type: 'opened',
    runId,
    region: plan.region,
    instanceType: plan.compute.instanceType,
    zone: plan.placement.zone,
    pid: process.pid,
    // Beside the pid, its start time: a later process given the pid is never taken for this one (reconcile).
    ...ownTicks(),
  });
  const keyFile = runKeyFile(deps.dataDir, runId);
  const keys = generateSshKeyPair(name);
  await writePrivateKey(keyFile, keys.privateKeyPem);
  await create('key-pair', 'key-pair', `importing ed25519 key ${name}`, () =>
    retry(() => ec2.importKeyPair({ name, publicKey: keys.publicKey, tags }, options), quickRetry),
  );
  const groupId = await create('security-group', 'security-group', `security group ${name}`, () =>
    retry(
      () =>
        ec2.createSecurityGroup(
          { name, description: `TrainDeck run ${runId}: SSH from one address`, vpcId: plan.placement.vpcId, tags },
          options,
        ),
      quickRetry,
    ),
  );
  await create('ssh-rule', 'security-group', `22/tcp from ${plan.sshCidr} only`, async () => {
    await retry(() => ec2.authorizeSsh({ groupId, cidr: plan.sshCidr, tags }, options), quickRetry);
    return groupId;
  });
  const profile = instanceProfileSpec(plan.bucket, plan.prefix, deps.createdBy);
  await create(
    'instance-profile',
    'instance-profile',
    `role ${profile.roleName} (s3://${plan.bucket}/${plan.prefix} only)`,
    async () => {
      // Preflight checked it too; again here, right before the role is written to and used.
      const foreign = await retry(() => checkInstanceRole(deps.ports.instanceRole, profile, options), quickRetry);
      if (foreign) throw new TypedError('PRECONDITION_FAILED', foreign.message, { fix: foreign.fix });
      await retry(() => deps.ports.instanceRole.ensureInstanceProfile(profile, options), quickRetry);
      return profile.profileName;
    },
  );

  // A new instance profile takes a few seconds to be visible to EC2: retry that error only, bounded.
  const profilePending = (error: unknown) =>
    isThrottling(error) ||
    (awsErrorCode(error) === 'InvalidParameterValue' && /iamInstanceProfile/i.test(String((error as Error).message)));
  const launch = await launchWithFailover({
    candidates: launchCandidates(plan),
    name,
    journal,
    ...options,
    // The first attempt keeps the run id as its token (a crash-resumed launch finds the same instance);
    // a relaunch has tokens of its own, or EC2 would answer with the interrupted instance again.
    clientToken: (n) => {
      const launch = (deps.attempt ?? 1) > 1 ? `${runId}.r${deps.attempt}` : runId;
      return n === 1 ? launch : `${launch}.${n}`;
    },
    onAttempt: (line) => deps.onStep?.('instance', line),
    run: (candidate, { clientToken }) =>
      retry(
        () =>
          ec2.runInstance(
            {
              clientToken,
              imageId: candidate.image.id,
              instanceType: candidate.instanceType,
              keyName: name,
              securityGroupId: groupId,
              subnetId: candidate.subnetId,
              instanceProfileName: profile.profileName,
              // The root volume (and the image's other EBS devices) are created by RunInstances itself,
              // in the zone that gets the instance: a refused attempt leaves no volume behind.
              rootDeviceName: candidate.image.rootDeviceName,
              extraEbsDeviceNames: candidate.image.ebsDeviceNames,
              diskGb: plan.compute.diskGb,
              market: candidate.market,
              userData: userDataScript(plan.compute.ttlMinutes, runId),
              tags,
            },
            options,
          ),
        { ...quickRetry, attempts: 8, baseMs: 2_000, retryable: profilePending },
      ),
  });
  const instanceId = launch.instanceId;
  const sshUser = launch.candidate.sshUser;
  const { instanceType, zone, market } = launch.candidate;
  deps.onLaunched?.({ instanceType, zone, market });

  deps.onStep?.('running', `waiting for ${instanceId} to run`);
  const running = await waitFor(
    async () => {
      const instance = await ec2.describeInstance(instanceId, options);
      if (instance && instance.state !== 'pending' && instance.state !== 'running') {
        throw new TypedError('AWS', `Instance ${instanceId} went ${instance.state} during start-up.`);
      }
      return instance?.state === 'running' && instance.publicIp ? instance : undefined;
    },
    {
      ...wait,
      ...progress('running', `${instanceId} to be running`, waits.runningMs),
      what: `${instanceId} to be running`,
      maxMs: waits.runningMs,
      intervalMs: 5_000,
    },
  );
  const publicIp = running.publicIp ?? '';

  deps.onStep?.('status-checks', 'waiting for the status checks');
  await waitFor(
    async () => {
      const status = await ec2.statusChecks(instanceId, options);
      if (status === 'impaired') throw new TypedError('AWS', `Instance ${instanceId} failed its status checks.`);
      return status === 'ok' ? true : undefined;
    },
    {
      ...wait,
      ...progress('status-checks', `the status checks of ${instanceId}`, waits.statusChecksMs),
      what: `the status checks of ${instanceId}`,
      maxMs: waits.statusChecksMs,
      intervalMs: 10_000,
    },
  );

  deps.onStep?.('host-key', 'reading the SSH host key from the console');
  const hostKeyFingerprints = await waitFor(
    async () => {
      const fingerprints = parseHostKeyFingerprints(
        (await ec2.consoleOutput(instanceId, options).catch(() => undefined)) ?? '',
      );
      return fingerprints.length > 0 ? fingerprints : undefined;
    },
    {
      ...wait,
      ...progress('host-key', 'the SSH host key in the console output', waits.consoleMs),
      what: 'the host key in the console output',
      maxMs: waits.consoleMs,
      intervalMs: 10_000,
    },
  ).catch((error: unknown) => {
    // The console is best effort: without it the key is pinned at first sight (issue: connect phase).
    if (error instanceof TypedError && error.code === 'TIMEOUT') return [];
    throw error;
  });

  deps.onStep?.('ssh', `waiting for sshd at ${publicIp}:22`);
  await waitFor(() => deps.probe.sshBanner(publicIp, 22, options), {
    ...wait,
    ...progress('ssh', `sshd at ${publicIp}:22`, waits.sshMs),
    what: `sshd at ${publicIp}`,
    maxMs: waits.sshMs,
    intervalMs: 5_000,
  });
  await journal.append({ type: 'ready', instanceId, publicIp, sshUser, keyFile, hostKeyFingerprints });
  return {
    runId,
    region: plan.region,
    instanceId,
    publicIp,
    sshUser,
    keyFile,
    hostKeyFingerprints,
    instanceType,
    zone,
    market,
    attempts: launch.attempts,
  };
}

/** One line for a provisioning failure. */
export function provisionFailure(error: unknown): string {
  return error instanceof TypedError ? error.message : describeAwsError(error);
}
