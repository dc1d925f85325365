import { readFile } from 'node:fs/promises';
// Remote paths are POSIX whatever the desktop's OS (eslint.config.js holds this file to it). The one
// local path here (the bundle folder) takes a '/' too: Node's fs accepts it on Windows.
import { join } from 'node:path/posix';

import type { ExecutorSecrets, ExecutorSpec } from '../../../shared/executor/protocol';
import { TypedError } from '../../../shared/ipc/result';
import type { WorkLayout } from '../../executor/work-layout';
import type { RemoteHost } from '../../host/remote-host';
import { shellQuote } from '../../host/shell-quote';
import { type ExecutorIdentity, sha256Hex } from './executor-identity';
import { safeWorkFolderScript, UNSAFE_MARK } from './safe-work-folder';

/** A file to place in the work folder before the executor starts (override sources). */
export interface Upload {
  /** Path relative to the work folder. */
  path: string;
  data: Buffer;
}

/**
 * Uploads bundle, bootstrap, spec and overrides over SFTP, then runs the bootstrap with the
 * secrets on stdin: it arms the TTL, finds Node and starts the executor detached. Returns the
 * executor's pid, the Node it runs on and the SHA-256 of the executor uploaded.
 */
export async function startExecutor(
  host: RemoteHost,
  input: {
    layout: WorkLayout;
    bundleDir: string;
    spec: ExecutorSpec;
    secrets: ExecutorSecrets;
    uploads: Upload[];
    onInstance: boolean;
    signal: AbortSignal;
  },
): Promise<{ pid: number } & ExecutorIdentity> {
  const { layout } = input;
  // Nothing is uploaded (and no secret sent) until no other user can change the work folder.
  const mk = await host.exec(
    safeWorkFolderScript(layout.workDir, [join(layout.workDir, 'overrides'), layout.dataDir]),
    {
      timeoutMs: 30_000,
      signal: input.signal,
    },
  );
  const unsafe = mk.stderr.split('\n').find((line) => line.startsWith(UNSAFE_MARK));
  if (unsafe) {
    throw new TypedError(
      'PRECONDITION_FAILED',
      `The work folder is not safe: ${unsafe.slice(UNSAFE_MARK.length).trim()}.`,
      {
        fix: 'Remove or fix that folder on the machine (it must belong to you or root and be writable by you alone), or set TRAINDECK_SSH_WORK_ROOT to a folder of yours.',
      },
    );
  }
  if (mk.code !== 0) throw new Error(`cannot create the work folder ${layout.workDir}: ${mk.stderr.trim()}`);
  const bundle = await readFile(join(input.bundleDir, 'executor.mjs'));
  await host.writeFile(layout.bundle, bundle, 0o600);
  await host.writeFile(layout.bootstrap, await readFile(join(input.bundleDir, 'bootstrap.sh')), 0o700);
  await host.writeFile(layout.specFile, Buffer.from(JSON.stringify(input.spec, null, 2)), 0o600);
  for (const upload of input.uploads) await host.writeFile(join(layout.workDir, upload.path), upload.data, 0o600);
  const command = `sh ${shellQuote(layout.bootstrap)} ${shellQuote(layout.workDir)} ${input.spec.ttlSeconds}${input.onInstance ? ' --on-instance' : ''}`;
  const started = await host.exec(command, {
    stdin: JSON.stringify(input.secrets),
    timeoutMs: 10 * 60_000,
    signal: input.signal,
  });
  const reply = lastJsonLine(started.stdout);
  if (started.code !== 0 || typeof reply?.pid !== 'number' || typeof reply.node !== 'string') {
    throw new Error(
      `the executor did not start (exit ${started.code}): ${started.stderr.trim().split('\n').slice(-1)[0] ?? ''}`,
    );
  }
  return { pid: reply.pid, node: reply.node, bundleSha256: sha256Hex(bundle) };
}

function lastJsonLine(stdout: string): { pid?: unknown; node?: unknown } | undefined {
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as { pid?: unknown; node?: unknown };
  } catch {
    return undefined;
  }
}
