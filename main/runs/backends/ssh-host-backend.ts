import { posix } from 'node:path';

import type { PreflightReport } from '../../../shared/domain/preflight';
import type { PowerOff } from '../../../shared/executor/protocol';
import { passedPreflight } from '../../lifecycle/preflight/host-preflight';
import type { ConnectPolicy, SshTarget } from '../../ssh/ssh-connect';
import { createSshConnector } from '../../ssh/ssh-remote-host';
import type { ComputeBackend } from '../pipeline/compute-backend';

/** A machine of the user's: reachable over SSH, never created or deleted by TrainDeck. */
export interface SshHostOptions {
  runId: string;
  target: SshTarget;
  /** The file the private key was read from: what a reattach after a crash reads again. */
  identityFile?: string;
  /** Host key fingerprints known for it; empty = pin at first sight (recorded in the journal). */
  pinnedFingerprints: string[];
  /** Absolute folder on the host under which each run gets its work folder. */
  workRoot: string;
  ttlSeconds: number;
  /** S3 endpoint as the host reaches it (an S3-compatible store); AWS when absent. */
  s3Endpoint?: string;
  connectPolicy?: ConnectPolicy;
  /** What "power off" means at the TTL; `none` by default (tests inject a marker command). */
  powerOff?: PowerOff;
  /** The one preflight (storage, key identity, datasets, login, host key); without it only the facts are shown. */
  preflight?: (signal: AbortSignal) => Promise<PreflightReport>;
}

/** The `ssh-host` backend: nothing provisioned, nothing torn down, never powered off. */
export function createSshHostBackend(options: SshHostOptions): ComputeBackend {
  const label = `${options.target.username}@${options.target.host}:${options.target.port}`;
  return {
    kind: 'ssh-host',
    async preflight(signal) {
      const facts = { host: label, pinned: options.pinnedFingerprints.length > 0 };
      return options.preflight ? { ...facts, ...(await passedPreflight(options.preflight(signal))) } : facts;
    },
    async acquire(_signal, onFirstSight) {
      const pin = { expected: [...options.pinnedFingerprints], onFirstSight };
      return {
        connector: createSshConnector(options.target, pin, options.connectPolicy),
        ...(options.identityFile
          ? {
              reattach: {
                kind: 'ssh' as const,
                host: options.target.host,
                port: options.target.port,
                username: options.target.username,
                identityFile: options.identityFile,
                hostKeyFingerprints: [...options.pinnedFingerprints],
              },
            }
          : {}),
        workDir: posix.join(options.workRoot, options.runId),
        onInstance: false,
        // Someone's own machine is never switched off by a run.
        powerOff: options.powerOff ?? { kind: 'none' },
        powerOffAtEnd: false,
        sendS3Credentials: true,
        ttlSeconds: options.ttlSeconds,
        ...(options.s3Endpoint ? { s3Endpoint: options.s3Endpoint } : {}),
        detail: { host: label, created: 'nothing (ssh-host)' },
      };
    },
    async release() {
      return { deleted: 'nothing (ssh-host: the machine is yours)' };
    },
  };
}
