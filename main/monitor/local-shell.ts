import { spawn } from 'node:child_process';

import { TypedError } from '../../shared/ipc/result';
import type { ExecOptions, ExecResult, RemoteShell } from './remote-shell';

/** Output beyond this is cut: a runaway command must not fill the desktop's memory. */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/**
 * {@link RemoteShell} as a local child process of `sh -c`: the `local` backend (dry run on
 * the desktop) and tests. `env` lets tests put a fake nvidia-smi first on PATH.
 */
export function createLocalShell(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): RemoteShell {
  return {
    exec(command: string, { signal, timeoutMs }: ExecOptions): Promise<ExecResult> {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) {
          return reject(signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError'));
        }
        // Its own process group, so a timeout kills the whole command (sh and what it started),
        // not only sh while a grandchild keeps the pipes open.
        const child = spawn('sh', ['-c', command], {
          env: options.env ?? process.env,
          cwd: options.cwd,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let size = 0;
        const collect = (into: Buffer[]) => (chunk: Buffer) => {
          if (size >= MAX_OUTPUT_BYTES) return;
          into.push(chunk);
          size += chunk.length;
        };
        child.stdout.on('data', collect(out));
        child.stderr.on('data', collect(err));
        let settled = false;
        const stop = (error: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          try {
            if (child.pid) process.kill(-child.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
          reject(error);
        };
        const timer = setTimeout(
          () => stop(new TypedError('TIMEOUT', `Command timed out after ${timeoutMs} ms.`)),
          timeoutMs,
        );
        const onAbort = () => stop(new DOMException('Aborted', 'AbortError'));
        signal?.addEventListener('abort', onAbort, { once: true });
        child.on('error', (error) => stop(error));
        child.on('close', (code) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code });
        });
      });
    },
  };
}
