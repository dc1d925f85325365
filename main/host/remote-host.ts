/** How one command runs. Every call is bounded: without `timeoutMs`, the implementation's own limit applies. */
export interface ExecOptions {
  /** Written to the command's stdin, then closed (how secrets travel: never on the command line). */
  stdin?: string;
  /** Hard limit; the command is killed and the call rejects. */
  timeoutMs?: number;
  /** Aborting kills the command (locally) or closes its channel (SSH). */
  signal?: AbortSignal | undefined;
}

/** What a finished command printed and how it ended. `code` is null when it died by a signal. */
export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The port onto the machine that runs the executor: an SSH host (main/ssh) or this desktop
 * (main/host/local-host.ts). The pipeline uses all of it; the monitor only {@link RemoteShell}.
 * A non-zero exit is a normal result; a call rejects only when the command could not run or
 * finish (connection lost: {@link ConnectionLost}, timeout, abort).
 */
export interface RemoteHost {
  /** Runs one `sh` command line. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Writes a whole file (parents must exist), with a mode. */
  writeFile(path: string, data: Buffer, mode?: number): Promise<void>;
  /** Up to `maxBytes` from `offset`; undefined when the file does not exist (yet). */
  read(path: string, offset: number, maxBytes: number): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

/**
 * The monitor's only view of the machine it watches: run one short command and read its output.
 * The monitor shares the pipeline's connected {@link RemoteHost} (one SSH session per run).
 */
export type RemoteShell = Pick<RemoteHost, 'exec'>;

/** Reads a whole remote file (status.json may hold a large manifest; executor.mjs is hashed whole). */
export async function readWhole(host: RemoteHost, path: string): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  for (let offset = 0; ;) {
    const chunk = await host.read(path, offset, 1024 * 1024);
    if (chunk === undefined) return offset === 0 ? undefined : Buffer.concat(parts);
    if (chunk.length === 0) return Buffer.concat(parts);
    parts.push(chunk);
    offset += chunk.length;
  }
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
