import type { CliHost, ResourceHolder } from './command';

/** A stream the CLI prints to; {@link cliOutput} makes one safe to write to after its reader left. */
export interface CliOutput {
  write(text: string): void;
  /** True once a write failed (EPIPE: `| head` exited; EIO: the terminal closed). */
  readonly closed: boolean;
}

/**
 * The one home of the CLI's output streams. A reader that goes away (`traindeck run … | head`,
 * a closed terminal) makes writes fail with EPIPE or EIO, reported as an 'error' event that
 * would otherwise crash the process mid-run. Here the stream is marked closed and later text
 * is dropped: the command keeps working (stops training, pushes, tears down) and exits as usual.
 */
export function cliOutput(stream: NodeJS.WritableStream): CliOutput {
  let closed = false;
  stream.on('error', () => {
    closed = true;
  });
  return {
    write(text) {
      if (closed) return;
      try {
        stream.write(text);
      } catch {
        closed = true;
      }
    },
    get closed() {
      return closed;
    },
  };
}

/** The signals that mean "stop, please": Ctrl-C, `kill`, and the terminal closing. */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The part of `process` the guard uses (tests pass an EventEmitter with an `exit`). */
export interface GuardedProcess {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  listenerCount(event: string): number;
  exit(code: number): void;
}

/**
 * The CLI's process around one command: stop signals go to the command instead of killing the
 * process, and while the command holds cloud resources, neither an empty event loop (a wait
 * that never settled: Node would exit with code 13 and say nothing) nor an uncaught error ends
 * the process before the holder's teardown ran. Then it exits 1 with the reason on stderr.
 */
export function createCliHost(proc: GuardedProcess, err: CliOutput): CliHost & { commandSettled(): void } {
  const holders = new Set<ResourceHolder>();
  const stoppers = new Set<(signal: NodeJS.Signals, count: number) => void>();
  let signals = 0;
  let settled = false;
  let ending = false;

  const fatal = async (reason: string) => {
    if (ending) return err.write(`traindeck: also: ${reason}\n`);
    ending = true;
    err.write(`traindeck: ${reason}\n`);
    for (const holder of [...holders]) {
      err.write(`traindeck: tearing down ${holder.describe()} before exiting\n`);
      try {
        err.write(`traindeck: ${await holder.teardown(reason)}\n`);
      } catch (error) {
        err.write(`traindeck: teardown failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    proc.exit(1);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (stoppers.size === 0) {
      // A command that listens on the process itself handles it (launch cancels its creates).
      if (proc.listenerCount(signal) > 1) return;
      // Nobody asked for a graceful stop: end as Node would, with the shell's code (130 for Ctrl-C).
      if (holders.size === 0) return proc.exit(signal === 'SIGINT' ? 130 : 1);
      return void fatal(`stopped by ${signal}`);
    }
    for (const stop of stoppers) stop(signal, signals);
  };
  const onBeforeExit = () => {
    if (!settled) void fatal('the command stopped without an outcome: a wait never settled (a bug, please report it)');
  };
  const onUncaught = (error: unknown) =>
    void fatal(`unexpected error: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);

  for (const signal of STOP_SIGNALS) proc.on(signal, onSignal);
  proc.on('beforeExit', onBeforeExit);
  proc.on('uncaughtException', onUncaught);
  proc.on('unhandledRejection', onUncaught);

  return {
    onStopSignal(stop) {
      stoppers.add(stop);
      return () => void stoppers.delete(stop);
    },
    holdResources(holder) {
      holders.add(holder);
      return () => void holders.delete(holder);
    },
    commandSettled() {
      settled = true;
    },
  };
}
