import type { ComputeBackendKind } from '../../shared/domain/run';
import type { RunConfig } from '../../shared/run-config/schema';
import type { RunExposure, StoreCredentialsExposure } from './trust-gate';

/**
 * What a run of `config` (paths already absolute) on `backend` reads on this computer and where
 * it sends it: the one list the confirmations show and the path checks cover. A new path field in
 * the run config belongs here and in resolveConfigPaths.
 */
export function runExposure(config: RunConfig, backend: ComputeBackendKind): RunExposure {
  const files: RunExposure['files'] = [
    { path: config.storage.sseKeyFile, what: 'SSE-C key' },
    { path: config.storage.localRoot, what: 'local data folder (synced with the bucket)' },
  ];
  if (config.code?.deployKeyFile) files.push({ path: config.code.deployKeyFile, what: 'deploy key' });
  for (const override of config.code?.overrides ?? []) files.push({ path: override.source, what: 'override source' });
  for (const [name, path] of Object.entries(config.training?.secretEnv ?? {})) {
    files.push({ path, what: `secret env ${name} (given to the training)` });
  }
  if (backend === 'ssh-host' && config.sshHost) {
    files.push({ path: config.sshHost.identityFile, what: 'SSH login key (used here, not sent)' });
  }
  const sshTarget = backend === 'ssh-host' && config.sshHost ? sshTargetOf(config.sshHost.address) : undefined;
  return {
    runName: config.name ?? '(unnamed run)',
    backend,
    destination:
      backend === 'local'
        ? 'this computer (its commands run as you)'
        : backend === 'ssh-host'
          ? (sshTarget ?? 'an SSH host')
          : `a new EC2 instance in ${config.aws.region}`,
    ...(sshTarget ? { sshTarget } : {}),
    files,
    sendsAwsCredentials: backend !== 'aws-ec2',
    bucketPrefix: `s3://${config.storage.bucket}/${config.storage.prefix ? `${config.storage.prefix}/` : ''}`,
  };
}

/** `user@host:port` with the port spelled out, so "a@h" and "a@h:22" are one target. */
export function sshTargetOf(address: string): string {
  return /:\d+$/.test(address) ? address : `${address}:22`;
}

/** The exposure as plain lines, for a native dialog or a terminal prompt. */
export function describeExposure(exposure: RunExposure): string {
  const lines = [
    `Run "${exposure.runName}" on ${exposure.destination}.`,
    exposure.backend === 'local'
      ? 'The training command and the repository code run on this computer with your user rights.'
      : exposure.backend === 'ssh-host'
        ? 'The repository code runs on that machine, and these go there:'
        : 'These are used for the run:',
    ...exposure.files.map((file) => `  • ${file.what}: ${file.path}`),
  ];
  if (exposure.sendsAwsCredentials) {
    lines.push(
      `  • AWS credentials for ${exposure.bucketPrefix} only: short-lived ones from STS, limited to that prefix and to the run's time (your own keys stay here); for an S3-compatible store without STS, the store's own keys, asked separately once`,
    );
  }
  return lines.join('\n');
}

/** The question before an S3-compatible store's own credentials go somewhere, as plain lines. */
export function describeStoreCredentials(exposure: StoreCredentialsExposure): string {
  return [
    `Run "${exposure.runName}" stores its data at ${exposure.endpoint}, an S3-compatible store without STS: TrainDeck cannot narrow its credentials to the run's prefix or make them short-lived.`,
    `The store's own credentials (access key ${exposure.accessKeyId}) are sent as they are to ${exposure.destination}; whoever controls that machine can use them as fully as you can, until you change the key.`,
    'Asked once for this store and key; the answer is kept in the TrainDeck app data folder.',
  ].join('\n');
}
