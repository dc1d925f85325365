/** Where a CLI command writes; injected so tests read what it printed. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  projectRoot: string;
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
