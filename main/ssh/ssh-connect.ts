import { Socket } from 'node:net';

import { Client, type ConnectConfig } from 'ssh2';

import { TypedError } from '../../shared/ipc/result';
import { sleep, whenAborted } from '../core/abort';
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
  /** At most this many tries. */
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** One try: TCP connect, banner, key exchange and login. */
  readyTimeoutMs: number;
  /** The whole connect, every try and pause included; {@link CONNECT_LIMIT_MS} when absent. */
  totalMs?: number;
}

/** How long a connect may take in all: a booting instance's sshd answers well within it. */
const CONNECT_LIMIT_MS = 5 * 60_000;

/** Defaults: tries for up to 5 minutes (enough for a booting instance), then says why it gave up. */
export const DEFAULT_CONNECT_POLICY: ConnectPolicy = {
  attempts: 40,
  firstDelayMs: 500,
  maxDelayMs: 15_000,
  readyTimeoutMs: 20_000,
  totalMs: CONNECT_LIMIT_MS,
};

/**
 * Connects with bounded exponential backoff, bounded as a whole by `policy.totalMs`. A changed
 * host key is never retried: it fails at once with PRECONDITION_FAILED (retrying would only
 * ask the attacker again). Gives up with UNAVAILABLE naming the last try's failure.
 */
export async function connectWithBackoff(
  target: SshTarget,
  pin: HostKeyPin,
  policy: ConnectPolicy = DEFAULT_CONNECT_POLICY,
  signal?: AbortSignal,
): Promise<Client> {
  const started = Date.now();
  const totalMs = policy.totalMs ?? CONNECT_LIMIT_MS;
  const remaining = () => totalMs - (Date.now() - started);
  let delay = policy.firstDelayMs;
  let last: unknown;
  let attempt = 0;
  // A retry started with a sliver of the limit left cannot finish a handshake, and its failure ("no TCP
  // connection within 0 s") would replace the real reason: a retry gets at least this long, or none.
  const minAttemptMs = Math.min(500, policy.readyTimeoutMs);
  while (attempt < policy.attempts && (attempt === 0 || remaining() >= minAttemptMs)) {
    signal?.throwIfAborted();
    attempt += 1;
    try {
      return await connectOnce(target, pin, Math.min(policy.readyTimeoutMs, remaining()), signal);
    } catch (error) {
      if (error instanceof TypedError || signal?.aborted) throw error;
      last = error;
    }
    if (attempt < policy.attempts && remaining() > minAttemptMs) {
      await sleep(Math.min(delay, remaining() - minAttemptMs), signal);
    }
    delay = Math.min(delay * 2, policy.maxDelayMs);
  }
  const why = (last instanceof Error ? last.message : String(last)).replace(/\.$/, '');
  const address = `${target.username}@${target.host}:${target.port}`;
  throw new TypedError(
    'UNAVAILABLE',
    remaining() < minAttemptMs
      ? `SSH to ${address} did not answer within the ${formatSeconds(totalMs)} connect limit (${attempt} attempt${attempt === 1 ? '' : 's'}; last: ${why}).`
      : `SSH to ${address} did not answer after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${formatSeconds(Date.now() - started)} (last: ${why}).`,
    { fix: 'Check that the host is up, sshd runs, and port and key are right.' },
  );
}

/** How far one try got: the failure's wording depends on it. */
type Stage = 'tcp' | 'banner' | 'key-exchange' | 'login';

/**
 * One try. Settles exactly once on every path: ready, error, end or close before ready (ssh2
 * emits only those two when a server closes after its banner), a stall at any stage (our own
 * timer, independent of ssh2's), and abort. Every listener it added is removed when it settles.
 */
function connectOnce(target: SshTarget, pin: HostKeyPin, limitMs: number, signal?: AbortSignal): Promise<Client> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const client = new Client();
    const socket = new Socket();
    let stage: Stage = 'tcp';
    let refused: string | undefined;
    let settled = false;
    const settle = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      disposeAbort();
      client.off('ready', onReady).off('error', onError).off('end', onClosed).off('close', onClosed);
      client.off('handshake', onHandshake);
      socket.off('data', onFirstBytes).off('connect', onTcp);
      if (!error) return resolve(client);
      // ssh2 may still report the socket's last words: nobody is listening any more.
      client.on('error', () => {});
      client.destroy();
      socket.destroy();
      reject(error);
    };
    const onTcp = () => (stage = 'banner');
    const onFirstBytes = () => (stage = stage === 'banner' ? 'key-exchange' : stage);
    const onHandshake = () => (stage = 'login');
    const onReady = () => settle(undefined);
    const onError = (error: Error & { code?: string }) =>
      settle(refused ? hostKeyChanged(target, pin, refused) : new Error(describeFailure(stage, target, error)));
    const onClosed = () => settle(new Error(describeClose(stage, target)));
    const timer = setTimeout(() => settle(new Error(describeStall(stage, target, limitMs))), limitMs);
    const disposeAbort = whenAborted(signal, (reason) =>
      settle(reason instanceof Error ? reason : new Error('aborted')),
    );
    const config: ConnectConfig = {
      sock: socket,
      username: target.username,
      privateKey: target.privateKey,
      // Our timer bounds the try; ssh2's own is only a backstop.
      readyTimeout: limitMs + 5_000,
      keepaliveInterval: 5_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        const fingerprint = hostKeyFingerprint(key);
        const { accept } = checkHostKey(pin, fingerprint);
        if (!accept) refused = fingerprint;
        return accept;
      },
    };
    client.on('ready', onReady).on('error', onError).on('end', onClosed).on('close', onClosed);
    client.on('handshake', onHandshake);
    socket.once('connect', onTcp);
    socket.connect({ host: target.host, port: target.port });
    try {
      client.connect(config);
    } catch (error) {
      // ssh2 throws at once for a key it cannot parse: no retry will fix that.
      return settle(
        new TypedError('INVALID_REQUEST', `The SSH private key cannot be used: ${(error as Error).message}.`, {
          fix: 'Give an OpenSSH or PEM private key without a passphrase (ssh-keygen -t ed25519 makes one).',
        }),
      );
    }
    // Added after ssh2 paused the socket, so it does not start the flow before ssh2 listens.
    socket.once('data', onFirstBytes);
  });
}

function hostKeyChanged(target: SshTarget, pin: HostKeyPin, refused: string): TypedError {
  return new TypedError(
    'PRECONDITION_FAILED',
    `The host key of ${target.host}:${target.port} changed: it is ${refused}, the run pinned ${pin.expected.join(', ')}. Connection refused.`,
    {
      fix: 'Someone may be intercepting the connection, or the machine was rebuilt. Check the key on the machine (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before starting a new run.',
    },
  );
}

function describeFailure(stage: Stage, target: SshTarget, error: Error & { code?: string; level?: string }): string {
  const address = `${target.host}:${target.port}`;
  if (error.code === 'ECONNREFUSED') return `connection refused: nothing listens on ${address} (yet)`;
  if (error.code === 'ECONNRESET') return `${address} reset the connection ${STAGE_WORDS[stage]}`;
  if (error.code === 'ETIMEDOUT' || error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') {
    return `${address} is not reachable (${error.code})`;
  }
  if (error.code === 'ENOTFOUND') return `the host name ${target.host} does not resolve`;
  // ssh2's words for "closed before any banner" and a refused login.
  if (/Connection lost before handshake/.test(error.message)) return describeClose(stage, target);
  if (error.level === 'client-authentication') {
    return `${address} refused the key for user ${target.username} (${error.message})`;
  }
  return `${error.message.replace(/\.$/, '')} ${STAGE_WORDS[stage]}`;
}

function describeClose(stage: Stage, target: SshTarget): string {
  const address = `${target.host}:${target.port}`;
  switch (stage) {
    case 'tcp':
      return `${address} closed the connection before it was established`;
    case 'banner':
      return `${address} accepted the connection and closed it without sending an SSH banner`;
    case 'key-exchange':
      return `${address} closed the connection after its SSH banner, before the handshake finished (sshd restarting, or at its MaxStartups limit)`;
    case 'login':
      return `${address} closed the connection during login`;
  }
}

function describeStall(stage: Stage, target: SshTarget, limitMs: number): string {
  const address = `${target.host}:${target.port}`;
  const limit = formatSeconds(limitMs);
  switch (stage) {
    case 'tcp':
      return `no TCP connection to ${address} within ${limit}`;
    case 'banner':
      return `${address} accepted the connection but sent no SSH banner within ${limit}`;
    case 'key-exchange':
      return `${address} sent its SSH banner, then the handshake stalled (no key exchange within ${limit})`;
    case 'login':
      return `login to ${address} did not finish within ${limit}`;
  }
}

const STAGE_WORDS: Record<Stage, string> = {
  tcp: 'while connecting',
  banner: 'before sending its SSH banner',
  'key-exchange': 'during the SSH handshake',
  login: 'during login',
};

function formatSeconds(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
