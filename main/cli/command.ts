/** Where a CLI command writes; injected so tests read what it printed. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  projectRoot: string;
  /** The process around the command (the `traindeck` binary's); absent when a test calls runCli. */
  host?: CliHost;
  /** What `out` writes to: a terminal gets live lines redrawn in place. Absent: not a terminal. */
  terminal?: { isTTY: boolean; columns(): number | undefined };
}

/** Something a command holds that must be released before the process may end: a run's cloud resources. */
export interface ResourceHolder {
  /** For the user: "run demo-… (aws-ec2)". */
  describe(): string;
  /** The teardown path; resolves to one sentence saying what it did (never the only record: the journal is). */
  teardown(reason: string): Promise<string>;
}

/** What a command may ask of the process it runs in. */
export interface CliHost {
  /** `stop` is called on SIGINT, SIGTERM and SIGHUP (each time, with the count) instead of the process dying. */
  onStopSignal(stop: (signal: NodeJS.Signals, count: number) => void): () => void;
  /** While held, an empty event loop or an uncaught error runs `teardown` before the process exits 1. */
  holdResources(holder: ResourceHolder): () => void;
}

/** One `traindeck <name>` command. Returns the exit code; throws a CliError for bad usage. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** An error the CLI prints as one line (`traindeck: …`) before exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
