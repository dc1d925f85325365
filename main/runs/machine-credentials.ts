import type { ExecutorSecrets } from '../../shared/executor/protocol';
import { TypedError } from '../../shared/ipc/result';
import type { ScopedCredentialsPort } from '../aws/ports/scoped-credentials-port';
import { resolveS3Credentials, s3EndpointFromEnv } from '../aws/s3-credentials';
import { RUN_ROLE_ENV, stsSessionName } from '../aws/scoped-credentials-plan';
import { instancePolicyDocument } from '../lifecycle/provision/instance-policy';
import { sshTargetOf } from '../trust/run-exposure';
import type { StoreCredentialsConfirm } from '../trust/store-credential-consent';

/** What a machine without an instance role (ssh-host, local) needs to get S3 credentials. */
export interface MachineCredentialsInput {
  env: NodeJS.ProcessEnv;
  /** The desktop's profile and region (for the credential chain and STS). */
  region: string;
  profile?: string | undefined;
  bucket: string;
  prefix: string;
  runId: string;
  runName: string;
  /** Where the credentials go, as the confirmations say it. */
  destination: string;
  /** How long the credentials must work (runCredentialsSeconds for a new run). */
  neededSeconds: number;
  /** A new run refuses a need beyond STS's maximum; a re-push or resume takes the maximum. */
  whenTooLong: 'refuse' | 'clamp';
  scoped: ScopedCredentialsPort;
  /** Asks before a store's own credentials go (remembered per endpoint and key); without it they never go. */
  confirmStoreCredentials: StoreCredentialsConfirm | undefined;
  signal: AbortSignal;
}

/**
 * Where a run's credentials go, as every confirmation says it: "this computer" for a local run,
 * else the SSH target with its port spelled out (so a new run and its re-push name one place).
 */
export function credentialsDestination(machine: { kind: 'local' } | { kind: 'ssh'; address: string }): string {
  return machine.kind === 'local' ? 'this computer (a local run)' : sshTargetOf(machine.address);
}

/**
 * The S3 credentials sent to a run's machine. On AWS: short-lived STS credentials whose session
 * policy is the instance policy (the run's bucket prefix only, writes only with SSE-C), never the
 * desktop's own keys. With a custom S3 endpoint (an S3-compatible store such as Ceph RGW or
 * MinIO) there is no STS that can mint credentials for that store: its own credentials go as they
 * are, once the user confirmed that store and key.
 */
export async function machineS3Credentials(
  input: MachineCredentialsInput,
): Promise<NonNullable<ExecutorSecrets['s3']>> {
  const endpoint = s3EndpointFromEnv(input.env);
  if (endpoint) {
    const own = await resolveS3Credentials({
      region: input.region,
      env: input.env,
      ...(input.profile ? { profile: input.profile } : {}),
    });
    const exposure = { runName: input.runName, destination: input.destination, endpoint, accessKeyId: own.accessKeyId };
    if (!input.confirmStoreCredentials) {
      throw new TypedError(
        'FORBIDDEN',
        `The store at ${endpoint} has no STS, so its own credentials would be sent as they are, and nothing here can confirm that`,
        { fix: 'Start the run from the CLI with --send-store-credentials, or from the app, which asks.' },
      );
    }
    await input.confirmStoreCredentials(exposure);
    return own;
  }
  const roleArn = input.env[RUN_ROLE_ENV]?.trim();
  const scoped = await input.scoped.issue({
    sessionName: stsSessionName(input.runId),
    policy: instancePolicyDocument(input.bucket, input.prefix),
    neededSeconds: input.neededSeconds,
    whenTooLong: input.whenTooLong,
    ...(roleArn ? { roleArn } : {}),
    signal: input.signal,
  });
  return {
    accessKeyId: scoped.accessKeyId,
    secretAccessKey: scoped.secretAccessKey,
    sessionToken: scoped.sessionToken,
  };
}
