import { spawn } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';

import { TypedError } from '../../shared/ipc/result';
import { whenAborted } from '../core/abort';
import type { ExecResult, HostConnector, RemoteHost } from './remote-host';

/**
 * The `local` backend's host: this computer. Same calls as over SSH, so the local dry run
 * exercises exactly the pipeline, executor and monitor a real run uses. Commands run with `env`
 * (the local backend passes the login shell's PATH; tests put a fake nvidia-smi first), or this
 * process's environment.
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
/** Without a `timeoutMs`, a command may run this long. */
const DEFAULT_LIMIT_MS = 600_000;
/** Output beyond this is cut: a runaway command must not fill the desktop's memory. */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** This computer as a {@link RemoteHost}: `sh -c` child processes and local files. */
export const localHost = (env?: NodeJS.ProcessEnv): RemoteHost => ({
  exec(command, options = {}) {
    return new Promise<ExecResult>((resolve, reject) => {
      if (options.signal?.aborted) return reject(options.signal.reason as Error);
      const limitMs = options.timeoutMs ?? DEFAULT_LIMIT_MS;
      // Its own process group, so a timeout or abort kills the whole command (sh and what it
      // started), not only sh while a grandchild keeps the pipes open.
      const child = spawn('sh', ['-c', command], {
        ...(env ? { env } : {}),
        stdio: ['pipe', 'pipe', 'pipe'],
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
      const result = (code: number | null): ExecResult => ({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
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
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      const limit = setTimeout(() => {
        kill();
        settle({ error: new TypedError('TIMEOUT', `The local command timed out after ${limitMs / 1000} s.`) });
      }, limitMs);
      let grace: NodeJS.Timeout | undefined;
      const disposeAbort = whenAborted(options.signal, (reason) => {
        kill();
        settle({ error: reason as Error });
      });
      child.stdout.on('data', collect(out));
      child.stderr.on('data', collect(err));
      child.stdout.on('error', () => undefined);
      child.stderr.on('error', () => undefined);
      child.on('error', (error) => settle({ error }));
      child.on('close', (code) => settle({ result: result(code) }));
      // The stdin pipe of `start` is handed to a detached child that may outlive this call: the
      // exit (plus a grace for the last output) settles it even while that child holds the pipes.
      child.on('exit', (code) => {
        grace = setTimeout(() => settle({ result: result(code) }), PIPES_GRACE_MS);
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
