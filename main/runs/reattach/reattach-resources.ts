import { readFile, rm } from 'node:fs/promises';

import type { ExecutorSecrets } from '../../../shared/executor/protocol';
import { TypedError } from '../../../shared/ipc/result';
import { runConfigSchema } from '../../../shared/run-config/schema';
import type { ObjectStore } from '../../aws/ports/object-store';
import { PUSH_MARGIN_SECONDS } from '../../aws/scoped-credentials-plan';
import { createLocalConnector } from '../../host/local-host';
import type { HostConnector } from '../../host/remote-host';
import type { LifecycleDeps } from '../../lifecycle/lifecycle-deps';
import { teardownRun } from '../../lifecycle/teardown';
import { createSshConnector } from '../../ssh/ssh-remote-host';
import type { KeyVault } from '../../sync/key-vault';
import { openSync } from '../../sync/open-sync';
import type { StoreCredentialsConfirm } from '../../trust/store-credential-consent';
import { findLocalTools } from '../backends/local-tools';
import { credentialsDestination, machineS3Credentials } from '../machine-credentials';
import type { AttachState } from './attach-journal';

/** What a reattach needs from the environment, rebuilt from the attach journal and the files it names. */
export interface ReattachResources {
  connector: HostConnector;
  secrets: ExecutorSecrets;
  store: ObjectStore;
  release(signal: AbortSignal): Promise<Record<string, unknown>>;
}

/** An attach journal with what a reattach cannot do without. */
export type AttachableState = AttachState & {
  run: NonNullable<AttachState['run']>;
  machine: NonNullable<AttachState['machine']>;
};

/** How an instance left running (DescribeInstances): its state, and why when EC2 says (StateReason.Code). */
export interface InstanceEnd {
  state: string;
  /** `Server.SpotInstanceTermination` when AWS took a spot instance back. */
  reason?: string;
}

/** What the run service needs to take over a run a killed TrainDeck left. */
export interface ReattachPort {
  /** Connection, secrets, S3 view and teardown, rebuilt from the attach journal and the files it names. */
  resources(runId: string, attach: AttachableState): Promise<ReattachResources>;
  /** Only the teardown: for a run killed before its machine was reached. */
  release(runId: string, attach: AttachState, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** How an EC2 run's instance left running (DescribeInstances), or undefined: still there, or not EC2. */
  instanceEnd?(attach: AttachableState, signal: AbortSignal): Promise<InstanceEnd | undefined>;
}

/**
 * The real {@link ReattachPort}. Secrets are read again from their files (the run's SSH key, the
 * SSE-C key file); none was ever written anywhere new. S3 credentials are new short-lived ones
 * from STS, scoped like the first (or the store's own, confirmed once), lasting until the run's
 * deadline plus the push margin, as long as STS allows.
 */
export function createReattachPort(options: {
  env: NodeJS.ProcessEnv;
  lifecycle: () => LifecycleDeps;
  keyVault?: KeyVault | undefined;
  confirmStoreCredentials?: StoreCredentialsConfirm | undefined;
  now?: () => number;
}): ReattachPort {
  return {
    async resources(runId, attach) {
      const { run, machine } = attach;
      const config = runConfigSchema.parse({ version: 1, aws: run.aws, storage: run.storage });
      const opened = await openSync({ config, baseDir: run.baseDir }, { env: options.env, keyVault: options.keyVault });
      const secrets: ExecutorSecrets = {
        sseKey: Buffer.from(opened.key.params().SSECustomerKey, 'base64').toString('base64'),
      };
      if (machine.sendS3Credentials) {
        const target = machine.target;
        const now = (options.now ?? Date.now)();
        secrets.s3 = await machineS3Credentials({
          env: options.env,
          region: opened.region,
          profile: run.aws.profile,
          bucket: run.storage.bucket,
          prefix: run.storage.prefix,
          runId,
          runName: run.name,
          destination: credentialsDestination(
            target.kind === 'local'
              ? { kind: 'local' }
              : { kind: 'ssh', address: `${target.username}@${target.host}:${target.port}` },
          ),
          neededSeconds: Math.max(0, (machine.deadline - now) / 1000) + PUSH_MARGIN_SECONDS,
          // The run already runs: its data must go, with the longest credentials STS gives.
          whenTooLong: 'clamp',
          scoped: options.lifecycle().ports({
            region: run.aws.region,
            ...(run.aws.profile ? { profile: run.aws.profile } : {}),
          }).scopedCredentials,
          confirmStoreCredentials: options.confirmStoreCredentials,
          signal: AbortSignal.timeout(60_000),
        });
      }
      return {
        connector: await connectorFor(machine.target, options.env),
        secrets,
        store: opened.store,
        release: (signal) => releaseFor(runId, attach, options.lifecycle, signal),
      };
    },
    release: (runId, attach, signal) => releaseFor(runId, attach, options.lifecycle, signal),
    async instanceEnd({ run, machine }, signal) {
      if (run.backend !== 'aws-ec2' || !machine.aws) return undefined;
      const region = machine.aws.region;
      const ports = options.lifecycle().ports({ region, ...(run.aws.profile ? { profile: run.aws.profile } : {}) });
      const instance = await ports.ec2(region).describeInstance(machine.aws.instanceId, { signal });
      // Gone from DescribeInstances altogether (an hour after its termination): it left, why is no longer said.
      if (!instance) return { state: 'terminated' };
      if (instance.state !== 'terminated' && instance.state !== 'shutting-down') return undefined;
      return { state: instance.state, ...(instance.stateReason ? { reason: instance.stateReason } : {}) };
    },
  };
}

async function connectorFor(target: AttachableState['machine']['target'], env: NodeJS.ProcessEnv) {
  if (target.kind === 'local') {
    return createLocalConnector((await findLocalTools({ env, signal: AbortSignal.timeout(60_000) })).env);
  }
  const privateKey = await readFile(target.identityFile).catch(() => {
    throw new TypedError('PRECONDITION_FAILED', `cannot read the run's SSH key ${target.identityFile}`, {
      fix: 'Restore the key file, or tear the run down instead.',
    });
  });
  if (target.hostKeyFingerprints.length === 0) {
    throw new TypedError('PRECONDITION_FAILED', 'the run never recorded the host key of its machine', {
      fix: 'Tear the run down instead; a reattach never trusts a host key at first sight.',
    });
  }
  const { host, port, username } = target;
  // Only the keys pinned when the run started are accepted: a reattach never pins at first sight.
  return createSshConnector(
    { host, port, username, privateKey },
    { expected: [...target.hostKeyFingerprints], onFirstSight: () => {} },
  );
}

async function releaseFor(
  runId: string,
  attach: AttachState,
  lifecycle: () => LifecycleDeps,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const { run, machine } = attach;
  if (!run) return { deleted: 'nothing (the run recorded no backend)' };
  if (run.backend === 'ssh-host') return { deleted: 'nothing (ssh-host: the machine is yours)' };
  if (run.backend === 'local') {
    if (machine) await rm(machine.workDir, { recursive: true, force: true });
    return { removed: machine?.workDir ?? 'nothing' };
  }
  const deps = lifecycle();
  const region = run.aws.region;
  const report = await teardownRun(runId, {
    dataDir: deps.dataDir,
    ports: deps.ports({ region, ...(run.aws.profile ? { profile: run.aws.profile } : {}) }),
    clock: deps.clock,
    sleep: deps.sleep,
    regions: [region],
    signal,
  });
  if (!report.closed) {
    throw Object.assign(new Error(`teardown left ${report.survivors.length} resource(s) of run ${runId}`), {
      fix: `Run \`traindeck teardown ${runId}\` (the run's journal stays open until it is clean), or \`traindeck kill-all\`.`,
    });
  }
  return { remainingHourlyUsd: 0 };
}
