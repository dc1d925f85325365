import { spawn } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';

import { whenAborted } from '../../core/abort';
import type { ExecResult, HostConnector, RemoteHost } from './remote-host';

/**
 * The `local` backend's host: this computer. Same calls as over SSH, so the local dry run
 * exercises exactly the pipeline and executor a real run uses. Commands run with `env` (the
 * local backend passes the login shell's PATH), or this process's environment.
 */
export function createLocalConnector(env?: NodeJS.ProcessEnv): HostConnector {
  const host = localHost(env);
  return {
    label: 'this computer',
    async connect() {
      return host;
    },
  };
}

// After the command exits, how long its output pipes may stay open (a background child that
// inherited them) before the call settles with what was read.
const PIPES_GRACE_MS = 2_000;

const localHost = (env?: NodeJS.ProcessEnv): RemoteHost => ({
  exec(command, options = {}) {
    return new Promise<ExecResult>((resolve, reject) => {
      if (options.signal?.aborted) return reject(options.signal.reason as Error);
      const limitMs = options.timeoutMs ?? 600_000;
      const child = spawn('sh', ['-c', command], { ...(env ? { env } : {}), stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let settled = false;
      const settle = (outcome: { result: ExecResult } | { error: Error }) => {
        if (settled) return;
        settled = true;
        clearTimeout(limit);
        clearTimeout(grace);
        disposeAbort();
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.result);
      };
      const kill = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      };
      const limit = setTimeout(() => {
        kill();
        settle({ error: new Error(`local command timed out after ${limitMs / 1000} s`) });
      }, limitMs);
      let grace: NodeJS.Timeout | undefined;
      const disposeAbort = whenAborted(options.signal, (reason) => {
        kill();
        settle({ error: reason as Error });
      });
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.stdout.on('error', () => undefined);
      child.stderr.on('error', () => undefined);
      child.on('error', (error) => settle({ error }));
      child.on('close', (code) => settle({ result: { code, stdout, stderr } }));
      // The stdin pipe of `start` is handed to a detached child that may outlive this call: the
      // exit (plus a grace for the last output) settles it even while that child holds the pipes.
      child.on('exit', (code) => {
        grace = setTimeout(() => settle({ result: { code, stdout, stderr } }), PIPES_GRACE_MS);
        grace.unref();
      });
      // A command may exit without reading its input (EPIPE): its exit code tells what happened,
      // so that is not an error of the call. Anything else on stdin is.
      child.stdin.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') settle({ error });
      });
      child.stdin.end(options.stdin ?? '');
    });
  },
  async writeFile(path, data, mode = 0o644) {
    await writeFile(path, data, { mode });
  },
  async read(path, offset, maxBytes) {
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!handle) return undefined;
    try {
      const buffer = Buffer.alloc(maxBytes);
      const { bytesRead } = await handle.read(buffer, 0, maxBytes, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  },
  async close() {},
});

/** This computer, with TrainDeck's own environment. */
export const localConnector: HostConnector = createLocalConnector();
