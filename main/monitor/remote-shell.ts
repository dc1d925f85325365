/** Options of one command. */
export interface ExecOptions {
  /** Aborting kills the command (locally) or closes its channel (SSH). */
  signal?: AbortSignal;
  /** Hard limit; the command is killed and the call rejects with a TIMEOUT error. */
  timeoutMs: number;
}

/** What a command printed and how it ended. `code` is null when it died by a signal. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/**
 * The monitor's only view of the machine it watches: run one short `sh` command and get its
 * output. Implemented by a child process (local backend, tests) and by an ssh2 session
 * (instances, ssh-host backend). Rejects only when the command could not run or finish
 * (connection lost, timeout, abort); a non-zero exit is a normal result.
 */
export interface RemoteShell {
  exec(command: string, options: ExecOptions): Promise<ExecResult>;
}

/** Single-quotes a value for `sh` (paths from the run config reach shell commands). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
