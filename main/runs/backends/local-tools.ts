import { execFile, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

import { WITHHELD_AWS_ENV } from '../../../shared/run-config/secret-env-names';

/** What a local run needs from this computer: a POSIX shell, Node ≥ 20, and the PATH that finds them. */
export interface LocalTools {
  /**
   * The environment the local executor runs with: this process's without its AWS credential
   * variables (the executor gets scoped ones on stdin; the desktop's own keys must not sit in its
   * environment, readable by the training as /proc/PID/environ), with the login shell's PATH first.
   */
  env: NodeJS.ProcessEnv;
  node: string;
}

/** How {@link findLocalTools} looks; tests inject the platform, environment and login shell. */
export interface LocalToolsOptions {
  signal: AbortSignal;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** The user's login shell PATH (undefined when it could not be read); see {@link readLoginShellPath}. */
  loginShellPath?: (signal: AbortSignal) => Promise<string | undefined>;
  /** Runs `node -v`; injected in tests. */
  nodeVersion?: (node: string, signal: AbortSignal) => Promise<string | undefined>;
}

const MARK_START = '__TRAINDECK_PATH_START__';
const MARK_END = '__TRAINDECK_PATH_END__';
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Finds the shell and Node a local run uses, before anything starts. Launched from a menu,
 * Finder or a .desktop file, TrainDeck has the session's minimal PATH (no nvm, Homebrew or
 * ~/.local), so the login shell is asked for its own; without Node the bootstrap would try to
 * install one on this computer. Throws a sentence with a fix when either tool is missing.
 */
export async function findLocalTools(options: LocalToolsOptions): Promise<LocalTools> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const pathKey =
    platform === 'win32' ? (Object.keys(env).find((key) => key.toUpperCase() === 'PATH') ?? 'Path') : 'PATH';
  const separator = platform === 'win32' ? ';' : delimiter;
  const own = (env[pathKey] ?? '').split(separator).filter(Boolean);
  const login =
    platform === 'win32' ? undefined : await (options.loginShellPath ?? defaultLoginShellPath(env))(options.signal);
  const dirs = [...new Set([...(login ?? '').split(separator).filter(Boolean), ...own])];
  const where = `${dirs.length ? dirs.join(', ') : 'an empty PATH'} (${login === undefined ? "TrainDeck's own PATH; the login shell's could not be read" : "the login shell's PATH and TrainDeck's own"})`;
  const extensions = platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];

  if (platform === 'win32' && !(await findExecutable('sh', dirs, extensions))) {
    throw new Error(
      `A local run needs a POSIX shell (sh) and none was found in ${where}. Install Git for Windows and add its usr\\bin folder to PATH, run TrainDeck inside WSL, or train on a machine over SSH instead.`,
    );
  }
  const node = await findExecutable('node', dirs, extensions);
  const version = node ? await (options.nodeVersion ?? defaultNodeVersion)(node, options.signal) : undefined;
  const major = Number(/^v(\d+)\./.exec(version ?? '')?.[1] ?? 0);
  if (!node || major < 20) {
    const found = node ? `found ${node} (${version ?? 'no version'}), which is older than 20` : 'none was found';
    throw new Error(
      `A local run needs Node.js 20 or newer on this computer, and ${found}; looked in ${where}. Install Node.js 22 LTS, or start TrainDeck from a terminal where \`node -v\` shows 20 or newer.`,
    );
  }
  const kept = { ...env, [pathKey]: dirs.join(separator) };
  for (const name of WITHHELD_AWS_ENV) delete kept[name];
  return { env: kept, node };
}

async function findExecutable(name: string, dirs: string[], extensions: string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = join(dir, name + extension);
      if (
        await access(candidate, constants.X_OK).then(
          () => true,
          () => false,
        )
      ) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The login shell's PATH, from `$SHELL -ilc`, or undefined when there is no shell, it fails or takes over 5 s. */
export function readLoginShellPath(
  shell: string,
  signal: AbortSignal,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    // Markers: an interactive shell's rc files may print their own lines (a motd, nvm's notices).
    const child = spawn(shell, ['-ilc', `printf '${MARK_START}%s${MARK_END}' "$PATH"`], {
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      signal,
      // Its own session: an interactive shell must not take over the terminal TrainDeck was started from.
      detached: true,
      env: { ...process.env, TERM: 'dumb' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < 1 << 20) stdout += chunk.toString('utf8');
    });
    // A shell may exit non-zero after printing (an rc file's failing line): the marked PATH still counts.
    const settle = () => resolve(new RegExp(`${MARK_START}(.*?)${MARK_END}`, 's').exec(stdout)?.[1]);
    child.on('error', settle);
    child.on('close', settle);
  });
}

function defaultLoginShellPath(env: NodeJS.ProcessEnv) {
  return (signal: AbortSignal) => (env.SHELL ? readLoginShellPath(env.SHELL, signal) : Promise.resolve(undefined));
}

function defaultNodeVersion(node: string, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      node,
      ['-v'],
      { timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL', signal, encoding: 'utf8' },
      (error, stdout) => resolve(error ? undefined : stdout.trim()),
    );
  });
}
