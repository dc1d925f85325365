import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PreflightReport } from '../../../shared/domain/preflight';
import type { PowerOff } from '../../../shared/executor/protocol';
import { createLocalConnector } from '../../host/local-host';
import { passedPreflight } from '../../lifecycle/preflight/host-preflight';
import type { ComputeBackend } from '../pipeline/compute-backend';
import { findLocalTools, type LocalTools, type LocalToolsOptions } from './local-tools';

/** The local dry run: the same executor on this computer, in a temporary folder. */
export interface LocalBackendOptions {
  ttlSeconds: number;
  s3Endpoint?: string;
  /** Keep the temp folder after the run (to inspect the checkout). */
  keep?: boolean;
  /** Tests inject a harmless action; the default never touches this computer's power. */
  powerOff?: PowerOff;
  /** Tests inject how the shell and Node are found (see ./local-tools). */
  tools?: Omit<LocalToolsOptions, 'signal'>;
  /** The one preflight (storage, key identity, datasets); without it only the facts are shown. */
  preflight?: (signal: AbortSignal) => Promise<PreflightReport>;
}

/** The `local` backend: validates repo, overrides, data and the first minutes of training for free. */
export function createLocalBackend(options: LocalBackendOptions): ComputeBackend {
  let workDir: string | undefined;
  let tools: LocalTools | undefined;
  // Before anything starts: a missing shell or Node is a sentence with a fix, not a bootstrap that installs Node here.
  const findTools = async (signal: AbortSignal) => (tools ??= await findLocalTools({ ...options.tools, signal }));
  return {
    kind: 'local',
    async preflight(signal) {
      const facts = { host: 'this computer', node: (await findTools(signal)).node };
      return options.preflight ? { ...facts, ...(await passedPreflight(options.preflight(signal))) } : facts;
    },
    async acquire(signal) {
      const { env } = await findTools(signal);
      workDir = await mkdtemp(join(tmpdir(), 'traindeck-local-run-'));
      return {
        connector: createLocalConnector(env),
        reattach: { kind: 'local' },
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
