import { Client, type ConnectConfig } from 'ssh2';
import { TypedError } from '../../shared/ipc/result';
import { checkHostKey, hostKeyFingerprint, type HostKeyPin } from './host-key';

/** Where and as whom to log in. */
export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** OpenSSH or PEM private key. */
  privateKey: Buffer | string;
}

/** How long to keep trying until sshd answers. */
export interface ConnectPolicy {
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
  readyTimeoutMs: number;
}

/** Defaults: about 2 minutes in total, enough for a booting instance, bounded for a dead one. */
export const DEFAULT_CONNECT_POLICY: ConnectPolicy = {
  attempts: 12,
  firstDelayMs: 500,
  maxDelayMs: 15_000,
  readyTimeoutMs: 20_000,
};

/**
 * Connects with bounded exponential backoff. A changed host key is never retried: it fails at
 * once with PRECONDITION_FAILED (retrying would only ask the attacker again).
 */
export async function connectWithBackoff(
  target: SshTarget,
  pin: HostKeyPin,
  policy: ConnectPolicy = DEFAULT_CONNECT_POLICY,
  signal?: AbortSignal,
): Promise<Client> {
  let delay = policy.firstDelayMs;
  let last: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    signal?.throwIfAborted();
    try {
      return await connectOnce(target, pin, policy.readyTimeoutMs, signal);
    } catch (error) {
      if (error instanceof TypedError) throw error;
      last = error;
    }
    if (attempt < policy.attempts) await sleep(delay, signal);
    delay = Math.min(delay * 2, policy.maxDelayMs);
  }
  const why = last instanceof Error ? last.message : String(last);
  throw new TypedError(
    'UNAVAILABLE',
    `SSH to ${target.username}@${target.host}:${target.port} did not answer after ${policy.attempts} attempts (${why}).`,
    { fix: 'Check that the host is up, sshd runs, and port and key are right.' },
  );
}

function connectOnce(target: SshTarget, pin: HostKeyPin, readyTimeout: number, signal?: AbortSignal): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let refused: string | undefined;
    const abort = () => {
      client.end();
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', abort, { once: true });
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey: target.privateKey,
      readyTimeout,
      keepaliveInterval: 5_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        const fingerprint = hostKeyFingerprint(key);
        const { accept } = checkHostKey(pin, fingerprint);
        if (!accept) refused = fingerprint;
        return accept;
      },
    };
    client.once('ready', () => {
      signal?.removeEventListener('abort', abort);
      resolve(client);
    });
    client.once('error', (error) => {
      signal?.removeEventListener('abort', abort);
      client.end();
      if (refused) {
        reject(
          new TypedError(
            'PRECONDITION_FAILED',
            `The host key of ${target.host}:${target.port} changed: it is ${refused}, the run pinned ${pin.expected.join(', ')}. Connection refused.`,
            {
              fix: 'Someone may be intercepting the connection, or the machine was rebuilt. Check the key on the machine (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before starting a new run.',
            },
          ),
        );
      } else reject(error);
    });
    client.connect(config);
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
