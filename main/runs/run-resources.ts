import { readFile } from 'node:fs/promises';

import { TypedError } from '../../shared/ipc/result';
import { s3EndpointFromEnv } from '../aws/s3-credentials';
import { runCredentialsSeconds } from '../aws/scoped-credentials-plan';
import { resolveConfigPaths } from '../config/resolve-config-paths';
import type { LifecycleDeps } from '../lifecycle/lifecycle-deps';
import { preflightFor } from '../lifecycle/preflight/host-preflight';
import { parseSshAddress, sshWorkRoot } from '../ssh/ssh-address';
import type { KeyVault } from '../sync/key-vault';
import { openSync } from '../sync/open-sync';
import type { StoreCredentialsConfirm } from '../trust/store-credential-consent';
import { createEc2Backend } from './backends/ec2-backend';
import { createLocalBackend } from './backends/local-backend';
import { createSshHostBackend } from './backends/ssh-host-backend';
import { credentialsDestination, machineS3Credentials } from './machine-credentials';
import type { RunResources, StartRunRequest } from './run-service';

/**
 * The real world's resources for a run: the backend asked for, the desktop's own S3 view (for
 * verification), credentials for machines without an instance role (short-lived and scoped by STS,
 * or a store's own once confirmed: see machineS3Credentials), and the executor bundle.
 */
export function createRunResources(options: {
  env: NodeJS.ProcessEnv;
  bundleDir: string;
  lifecycle: () => LifecycleDeps;
  keyVault?: KeyVault | undefined;
  confirmStoreCredentials?: StoreCredentialsConfirm | undefined;
}) {
  return async (request: StartRunRequest, runId: string): Promise<RunResources> => {
    const { config } = request;
    const opened = await openSync(
      { config, baseDir: request.baseDir },
      { env: options.env, keyVault: options.keyVault },
    );
    const region = config.storage.region ?? config.aws.region;
    const maxRuntimeMinutes = config.training?.maxRuntimeMinutes ?? 1440;
    const ttlSeconds = maxRuntimeMinutes * 60;
    const s3Endpoint = s3EndpointFromEnv(options.env);
    const needsCredentials = request.backend !== 'aws-ec2';
    // Before anything is uploaded: a refusal (STS, the TTL, the user) leaves the machine untouched.
    const s3Credentials = needsCredentials
      ? await machineS3Credentials({
          env: options.env,
          region,
          profile: config.aws.profile,
          bucket: config.storage.bucket,
          prefix: config.storage.prefix,
          runId,
          runName: config.name ?? runId,
          destination: credentialsDestination(
            request.backend === 'local' ? { kind: 'local' } : { kind: 'ssh', address: request.host?.address ?? '?' },
          ),
          neededSeconds: runCredentialsSeconds({
            maxRuntimeMinutes,
            graceSeconds: config.training?.graceSeconds ?? 60,
          }),
          whenTooLong: 'refuse',
          scoped: options.lifecycle().ports({
            region: config.aws.region,
            ...(config.aws.profile ? { profile: config.aws.profile } : {}),
          }).scopedCredentials,
          confirmStoreCredentials: options.confirmStoreCredentials,
          signal: AbortSignal.timeout(60_000),
        })
      : undefined;
    const base = { store: opened.store, bundleDir: options.bundleDir, ...(s3Credentials ? { s3Credentials } : {}) };
    // The one preflight, on the config as the run reads it (paths resolved, the --host flags as its sshHost).
    const resolved = resolveConfigPaths(
      request.host ? { ...config, sshHost: { ...config.sshHost, ...request.host } } : config,
      request.baseDir,
    );
    // The data checks (key identity, datasets) read the run's own store where the world has one: the
    // demo account without an S3 endpoint keeps buckets in memory, and there they are not checked.
    const extras = {
      ...(options.lifecycle().openStore ? { objectStore: opened.store } : {}),
      keyVault: options.keyVault,
    };
    const preflight = (signal: AbortSignal) => {
      const deps = options.lifecycle();
      return preflightFor(
        {
          config: resolved,
          ports: deps.ports({
            region: config.aws.region,
            ...(config.aws.profile ? { profile: config.aws.profile } : {}),
          }),
          publicIp: deps.publicIp,
          env: options.env,
          clock: deps.clock,
          signal,
          ...extras,
        },
        request.backend,
      );
    };
    if (request.backend === 'local') {
      return { ...base, backend: createLocalBackend({ ttlSeconds, preflight, ...(s3Endpoint ? { s3Endpoint } : {}) }) };
    }
    if (request.backend === 'aws-ec2') {
      return { ...base, backend: createEc2Backend(resolved, runId, options.lifecycle(), extras) };
    }
    if (!request.host) {
      throw new TypedError('INVALID_REQUEST', 'an ssh-host run needs --host user@host:port and --identity KEY');
    }
    const address = parseSshAddress(request.host.address);
    const privateKey = await readFile(request.host.identityFile).catch(() => {
      throw new TypedError('INVALID_REQUEST', `cannot read the SSH identity ${request.host!.identityFile}`);
    });
    const backend = createSshHostBackend({
      runId,
      target: { ...address, privateKey },
      identityFile: request.host.identityFile,
      pinnedFingerprints: request.host.hostKeyFingerprint ? [request.host.hostKeyFingerprint] : [],
      workRoot: sshWorkRoot(options.env, address.username),
      ttlSeconds,
      preflight,
      ...(s3Endpoint ? { s3Endpoint } : {}),
    });
    return { ...base, backend };
  };
}
