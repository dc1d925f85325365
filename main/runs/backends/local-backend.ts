import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PowerOff } from '../../../shared/executor/protocol';
import type { ComputeBackend } from '../pipeline/compute-backend';
import { localConnector } from '../pipeline/local-host';

/** The local dry run: the same executor on this computer, in a temporary folder. */
export interface LocalBackendOptions {
  ttlSeconds: number;
  s3Endpoint?: string;
  /** Keep the temp folder after the run (to inspect the checkout). */
  keep?: boolean;
  /** Tests inject a harmless action; the default never touches this computer's power. */
  powerOff?: PowerOff;
}

/** The `local` backend: validates repo, overrides, data and the first minutes of training for free. */
export function createLocalBackend(options: LocalBackendOptions): ComputeBackend {
  let workDir: string | undefined;
  return {
    kind: 'local',
    async preflight() {
      return { host: 'this computer' };
    },
    async acquire() {
      workDir = await mkdtemp(join(tmpdir(), 'traindeck-local-run-'));
      return {
        connector: localConnector,
        workDir,
        onInstance: false,
        powerOff: options.powerOff ?? { kind: 'none' },
        powerOffAtEnd: false,
        sendS3Credentials: true,
        ttlSeconds: options.ttlSeconds,
        ...(options.s3Endpoint ? { s3Endpoint: options.s3Endpoint } : {}),
        detail: { workDir },
      };
    },
    async release() {
      if (workDir && !options.keep) await rm(workDir, { recursive: true, force: true });
      return { removed: options.keep ? 'nothing (kept)' : (workDir ?? 'nothing') };
    },
  };
}
