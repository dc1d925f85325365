/** What a finished remote command printed. */
export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The pipeline's port onto the machine that runs the executor: an SSH host (main/ssh) or this
 * desktop (local backend). Only the calls the pipeline makes. Every call is bounded.
 */
export interface RemoteHost {
  /** Runs a shell command line; `stdin` is written then closed (how secrets travel). */
  exec(command: string, options?: { stdin?: string; timeoutMs?: number; signal?: AbortSignal }): Promise<ExecResult>;
  /** Writes a whole file (parents must exist), with a mode. */
  writeFile(path: string, data: Buffer, mode?: number): Promise<void>;
  /** Up to `maxBytes` from `offset`; undefined when the file does not exist (yet). */
  read(path: string, offset: number, maxBytes: number): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/** Opens a {@link RemoteHost}; called again after a dropped connection. */
export interface HostConnector {
  /** A short description for events ("root@127.0.0.1:2222", "this computer"). */
  readonly label: string;
  connect(signal?: AbortSignal): Promise<RemoteHost>;
}

/** A connection that dropped: the caller reconnects and resumes. */
export class ConnectionLost extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionLost';
  }
}

/** True when the error means "the link dropped" rather than "the command failed". */
export function isConnectionLost(error: unknown): boolean {
  return error instanceof ConnectionLost;
}
