import { spawn } from 'node:child_process';

/** What a finished process printed and how it ended. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// How long the output pipes may stay open after the process exited.
const PIPES_GRACE_MS = 2_000;

/**
 * Runs argv (never through a shell) with a hard time limit; output is capped so a chatty
 * tool cannot fill memory. The limit kills the process, it never waits forever.
 */
export function runProcess(
  argv: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; signal?: AbortSignal },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    if (!file) return reject(new Error('empty command'));
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let stdout = '';
    let stderr = '';
    const cap = (text: string, chunk: Buffer) => (text.length > 64_000 ? text : text + chunk.toString('utf8'));
    child.stdout.on('data', (chunk: Buffer) => (stdout = cap(stdout, chunk)));
    child.stderr.on('data', (chunk: Buffer) => (stderr = cap(stderr, chunk)));
    child.stdout.on('error', () => undefined);
    child.stderr.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    // A background child that inherited the pipes (a daemon it started) must not hold the call
    // past the process's own end: after a grace, what was read is the result.
    child.on('exit', (code, signal) =>
      setTimeout(() => resolve({ code, signal, stdout, stderr }), PIPES_GRACE_MS).unref(),
    );
  });
}
