import { spawn } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
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

const localHost = (env?: NodeJS.ProcessEnv): RemoteHost => ({
  exec(command, options = {}) {
    return new Promise<ExecResult>((resolve, reject) => {
      const child = spawn('sh', ['-c', command], {
        ...(env ? { env } : {}),
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: options.timeoutMs ?? 600_000,
        killSignal: 'SIGKILL',
        ...(options.signal ? { signal: options.signal } : {}),
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      // The stdin pipe of `start` is handed to a detached child that may outlive this call.
      child.stdout.on('close', () => undefined);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      // A command may exit without reading its input (EPIPE): its exit code tells what happened,
      // so that is not an error of the call. Anything else on stdin is.
      child.stdin.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') reject(error);
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
