import { readFile } from 'node:fs/promises';

import type { ExecutorSecrets } from '../../../shared/executor/protocol';
import { TypedError } from '../../../shared/ipc/result';
import type { RunConfig } from '../../../shared/run-config/schema';
import { readSecretEnv } from '../../config/read-secret-env';
import { resolveConfigPaths } from '../../config/resolve-config-paths';
import type { KeyVault } from '../../sync/key-vault';
import { loadSseKey } from '../../sync/sse-key';
import type { SpecTemplate } from './run-pipeline';
import type { Upload } from './start-executor';

/** The executor's inputs derived from a run config: the spec, the secrets, the files to upload. */
export interface PreparedRun {
  spec: SpecTemplate;
  secrets: ExecutorSecrets;
  uploads: Upload[];
  keyFingerprint: string;
}

/**
 * Reads the files a run config names (SSE-C key, deploy key, secret env files, override sources) and builds the
 * executor's spec. Everything missing is a clear INVALID_REQUEST before any machine exists.
 * The SSE-C key goes into `secrets` only: it is sent over the SSH channel, never in the spec.
 * `keyVault` opens a key file sealed by the desktop app.
 */
export async function prepareRun(
  runId: string,
  unresolved: RunConfig,
  baseDir: string,
  keyVault?: KeyVault,
): Promise<PreparedRun> {
  // The one resolver (a no-op on configs already resolved): these are the files preflight checked.
  const config = resolveConfigPaths(unresolved, baseDir);
  if (!config.code) {
    throw new TypedError('INVALID_REQUEST', 'the run config has no "code" section (repoUrl, branch, deployKeyFile)', {
      fix: 'Add "code": { "repoUrl": …, "branch": "main", "deployKeyFile": … }.',
    });
  }
  if (!config.training) {
    throw new TypedError('INVALID_REQUEST', 'the run config has no "training" section', {
      fix: 'Add "training": { "command": "python train.py" }.',
    });
  }
  const key = await loadSseKey(config.storage.sseKeyFile, keyVault);
  const secrets: ExecutorSecrets = { sseKey: Buffer.from(key.params().SSECustomerKey, 'base64').toString('base64') };
  if (config.code.deployKeyFile) {
    const file = config.code.deployKeyFile;
    secrets.deployKey = await readFile(file, 'utf8').catch(() => {
      throw new TypedError('INVALID_REQUEST', `the deploy key file ${file} cannot be read`, {
        fix: "Point code.deployKeyFile at the private half of the repo's deploy key.",
      });
    });
  }
  // Values go into `secrets` only (the stdin channel); the spec below never names a secret env variable.
  const secretEnv = await readSecretEnv(config.training.secretEnv);
  if (Object.keys(secretEnv).length) secrets.secretEnv = secretEnv;
  const uploads: Upload[] = [];
  for (const [index, override] of config.code.overrides.entries()) {
    const file = override.source;
    const data = await readFile(file).catch(() => {
      throw new TypedError('INVALID_REQUEST', `override source ${file} cannot be read`, {
        fix: 'Check code.overrides[].source.',
      });
    });
    uploads.push({ path: `overrides/${index}`, data });
  }
  const { code, training, storage } = config;
  return {
    keyFingerprint: key.fingerprint,
    secrets,
    uploads,
    spec: {
      runId,
      code: {
        repoUrl: code.repoUrl,
        ...(code.branch ? { branch: code.branch } : {}),
        ...(code.commit ? { commit: code.commit } : {}),
        knownHosts: code.knownHosts ?? '',
        overrides: code.overrides.map((o, index) => ({ uploaded: `overrides/${index}`, target: o.target })),
      },
      training: { command: training.command, env: training.env, graceSeconds: training.graceSeconds },
      storage: {
        bucket: storage.bucket,
        prefix: storage.prefix,
        region: storage.region ?? config.aws.region,
        folders: storage.folders,
      },
      diskReserveBytes: training.diskReserveMb * 1024 * 1024,
    },
  };
}
