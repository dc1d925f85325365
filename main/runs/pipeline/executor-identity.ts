import { createHash } from 'node:crypto';

import type { ExecutorSecrets } from '../../../shared/executor/protocol';
import { TypedError } from '../../../shared/ipc/result';
import type { WorkLayout } from '../../executor/work-layout';
import { readWhole, type RemoteHost } from '../../host/remote-host';

/**
 * What the desktop learned when it started the executor: the Node binary the bootstrap chose
 * and the SHA-256 of the executor.mjs it uploaded. A re-push runs exactly that, never a path read
 * back from the work folder (the training code can rewrite any file there).
 */
export interface ExecutorIdentity {
  node: string;
  bundleSha256: string;
}

/** Hex SHA-256 of a buffer. */
export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The secrets a push needs (S3 and the SSE-C key): never the deploy key (dropped after checkout) or the secret env (the training's only). */
export function pushSecrets(secrets: ExecutorSecrets): ExecutorSecrets {
  return { sseKey: secrets.sseKey, ...(secrets.s3 ? { s3: secrets.s3 } : {}) };
}

/**
 * Refuses (before any secret is written) unless the executor.mjs on the machine is byte for byte
 * the one uploaded at start. The file is read whole over the connection and hashed here: no
 * program on the machine is trusted to say what it holds.
 */
export async function checkExecutorIdentity(
  host: RemoteHost,
  layout: Pick<WorkLayout, 'bundle'>,
  identity: ExecutorIdentity | undefined,
): Promise<ExecutorIdentity> {
  if (!identity) {
    throw new TypedError(
      'PRECONDITION_FAILED',
      'TrainDeck did not record which Node and executor started this run, so it sends no secrets to push again',
      { fix: 'Copy the data off the machine yourself, or start the run again.' },
    );
  }
  const found = sha256Hex((await readWhole(host, layout.bundle)) ?? Buffer.alloc(0));
  if (found !== identity.bundleSha256) {
    throw new TypedError(
      'PRECONDITION_FAILED',
      `${layout.bundle} on the machine is not the executor TrainDeck uploaded (SHA-256 ${found.slice(0, 12)}…, expected ${identity.bundleSha256.slice(0, 12)}…), so no secrets were sent to it`,
      {
        fix: 'Something on the machine (often the training code) rewrote the executor: inspect the machine, then copy the data off it yourself.',
      },
    );
  }
  return identity;
}
