import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** How the training command ended. */
export interface TrainingExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running training command. */
export interface Training {
  pid: number;
  exited: Promise<TrainingExit>;
  /** SIGTERM to the whole process group, SIGKILL after the grace period. */
  stop(graceSeconds: number): Promise<TrainingExit>;
}

/**
 * Starts the user's command through `bash -c` (it is a shell command line by design) in its
 * own process group, so stopping it also stops what it spawned (data loader workers…).
 * Every output line is written to `logFile` prefixed with its time; stderr lines are marked.
 */
export function startTraining(
  command: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; now?: () => number },
): Training {
  const now = options.now ?? Date.now;
  const log = createWriteStream(options.logFile, { flags: 'a' });
  // A full disk (or a late line after the log ended) must not crash the executor: the training's
  // exit, not its log, decides what happens next, and the push still runs.
  log.on('error', () => undefined);
  const child = spawn('bash', ['-c', command], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid ?? -1;
  const pipes = [timestampLines(child.stdout, '', log, now), timestampLines(child.stderr, '[stderr] ', log, now)];
  const exited = new Promise<TrainingExit>((resolve) => {
    child.on('error', (error) => {
      log.write(`${new Date(now()).toISOString()} [traindeck] cannot start the command: ${error.message}\n`);
      resolve({ code: 127, signal: null });
    });
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended) return;
      ended = true;
      log.end(() => resolve({ code, signal }));
    };
    child.on('close', (code, signal) => void Promise.all(pipes).then(() => end(code, signal)));
    // A process the command left running in the background can hold its output pipes open for
    // ever: the training is over when the command exits, so after a grace its exit is the outcome.
    child.on('exit', (code, signal) =>
      setTimeout(() => {
        if (ended) return;
        // Stop reading first, so nothing writes to the log after it ends.
        child.stdout.destroy();
        child.stderr.destroy();
        log.write(
          `${new Date(now()).toISOString()} [traindeck] the command exited but its output stays open (a background process?); not waiting for it\n`,
        );
        end(code, signal);
      }, PIPES_GRACE_MS).unref(),
    );
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    pid,
    exited,
    async stop(graceSeconds) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceSeconds * 1000);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

// How long the output pipes may stay open after the command exited.
const PIPES_GRACE_MS = 5_000;

// A partial line is held until its newline (or the end of the stream), so no line is split in the log.
function timestampLines(stream: Readable, mark: string, log: NodeJS.WritableStream, now: () => number): Promise<void> {
  return new Promise((resolve) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop() ?? '';
      if (parts.length) log.write(parts.map((line) => `${new Date(now()).toISOString()} ${mark}${line}\n`).join(''));
    });
    // 'close' and 'error' too: a pipe that breaks instead of ending must not hold the exit.
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (pending) log.write(`${new Date(now()).toISOString()} ${mark}${pending}\n`);
      resolve();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
}
