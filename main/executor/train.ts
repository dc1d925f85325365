import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

import { LiveBarFile } from './live-bar-file';
import type { SecretRedactor } from './secret-redactor';
import { TrainOutput } from './train-output';

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
 * Progress bars redrawn with `\r` go to `liveBarFile` as they change (train-output.ts) and into
 * the log once per close.
 */
export function startTraining(
  command: string,
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    logFile: string;
    liveBarFile?: string;
    now?: () => number;
    /** The secret env values, replaced in every line and bar before it is written. */
    redactor?: SecretRedactor;
  },
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
  const live = options.liveBarFile ? new LiveBarFile(options.liveBarFile, now) : undefined;
  const pipes = [
    timestampLines(child.stdout, 'stdout', log, live, now, options.redactor),
    timestampLines(child.stderr, 'stderr', log, live, now, options.redactor),
  ];
  const exited = new Promise<TrainingExit>((resolve) => {
    child.on('error', (error) => {
      log.write(`${new Date(now()).toISOString()} [traindeck] cannot start the command: ${error.message}\n`);
      resolve({ code: 127, signal: null });
    });
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended) return;
      ended = true;
      live?.close();
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

// Lines (and bar redraws) are cut by TrainOutput; each log line gets the time it was written.
function timestampLines(
  stream: Readable,
  name: 'stdout' | 'stderr',
  log: NodeJS.WritableStream,
  live: LiveBarFile | undefined,
  now: () => number,
  redactor: SecretRedactor | undefined,
): Promise<void> {
  const mark = name === 'stderr' ? '[stderr] ' : '';
  // The lines of one read go to the log in one write (1,000 lines/s stay cheap).
  let batch = '';
  const output = new TrainOutput(
    {
      line: (text) => (batch += `${new Date(now()).toISOString()} ${mark}${text}\n`),
      bar: (text, open) => live?.update(text, open, name),
    },
    now,
    redactor,
  );
  const flush = () => {
    if (batch) log.write(batch);
    batch = '';
  };
  return new Promise((resolve) => {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      output.push(chunk);
      flush();
    });
    // 'close' and 'error' too: a pipe that breaks instead of ending must not hold the exit.
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      output.end();
      flush();
      resolve();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
}
