import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** A browser host started for a test, stopped by PID. */
export interface RunningHost {
  url: string;
  origin: string;
  token: string;
  port: number;
  pid: number;
  /** Everything the host wrote to stderr (its JSON log). */
  stderr: () => string;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '..', '..');
const READY_TIMEOUT_MS = 15_000;

/** Options of {@link startWebHost}; all optional, so `startWebHost()` is a fresh host on a free port. */
export interface WebHostOptions {
  env?: NodeJS.ProcessEnv;
  /** A fixed port, e.g. the one of a host this test stopped (0 or absent: a free one). */
  port?: number;
  /** More command-line arguments, e.g. `['--token-file', path]`. */
  args?: string[];
  /** Reuse this data folder (a restart); the caller removes it. Absent: a new one, removed on stop. */
  dataDir?: string;
}

/**
 * Starts `dist/web/host.mjs` with its own data folder (or the given one) and waits for its
 * ready line (no sleeps). Requires `npm run build` first.
 */
export async function startWebHost(options: WebHostOptions = {}): Promise<RunningHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'traindeck-e2e-'));
  const args = [
    join(ROOT, 'dist', 'web', 'host.mjs'),
    '--json',
    ...(options.port ? ['--port', String(options.port)] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TRAINDECK_DATA_DIR: dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = await waitForReady(child, () => stderr);
  const url = new URL(ready.url);
  return {
    url: ready.url,
    origin: url.origin,
    token: new URLSearchParams(url.hash.slice(1)).get('token')!,
    port: ready.port,
    pid: child.pid!,
    stderr: () => stderr,
    async stop() {
      await stopChild(child);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function waitForReady(child: ChildProcess, stderr: () => string): Promise<{ url: string; port: number }> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`web host not ready within ${READY_TIMEOUT_MS} ms; stderr: ${stderr()}`));
    }, READY_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code} before it was ready; stderr: ${stderr()}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const message = JSON.parse(line) as { event?: string; url: string; port: number };
        if (message.event === 'ready') {
          clearTimeout(timer);
          resolvePromise(message);
        }
      } catch {
        // Not our ready line.
      }
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
