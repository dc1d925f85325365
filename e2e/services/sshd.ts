import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running throw-away OpenSSH server on 127.0.0.1. */
export interface Sshd {
  host: string;
  port: number;
  /** As `ssh-keygen -lf` prints it (and ssh2's hostVerifier computes it). */
  hostKeyFingerprint: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…` for a known_hosts file. */
  knownHostsLine: string;
  /** The user this server logs in (the one running the tests). */
  user: string;
  dir: string;
  /** The listener's PID (sshd -D: it stays in the foreground). */
  pid: number;
  /** Stops exactly this server (by its PID) and deletes its folder. */
  stop(): Promise<void>;
}

/** Options of {@link startSshd}. */
export interface SshdOptions {
  /** authorized_keys content (one or more lines, options allowed). */
  authorizedKeys: string;
  /** Use this host key file instead of a new one (to keep a key across restarts). */
  hostKeyFile?: string;
  /** Extra sshd_config lines. */
  extraConfig?: string[];
}

/** A new ed25519 key pair in `dir`: returns the private key path and the public line. */
export function generateKey(dir: string, name: string): { privateKeyFile: string; publicKey: string } {
  const privateKeyFile = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', privateKeyFile]);
  return { privateKeyFile, publicKey: readFileSync(`${privateKeyFile}.pub`, 'utf8').trim() };
}

/**
 * Starts `/usr/sbin/sshd` with its own host key and config in a temp folder (UsePAM no,
 * StrictModes no, SFTP built in), on a free port of 127.0.0.1, and waits until it answers.
 * As root it needs /run/sshd (privilege separation), created if missing.
 */
export async function startSshd(options: SshdOptions): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'traindeck-sshd-'));
  const hostKey = options.hostKeyFile ?? generateKey(dir, 'host_ed25519').privateKeyFile;
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'authorized_keys'), options.authorizedKeys.trim() + '\n', { mode: 0o600 });
  const port = await freePort();
  const pidFile = join(dir, 'sshd.pid');
  const config = [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    `HostKey ${hostKey}`,
    `PidFile ${pidFile}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'UsePAM no',
    'StrictModes no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'Subsystem sftp internal-sftp',
    'LogLevel ERROR',
    ...(options.extraConfig ?? []),
  ];
  writeFileSync(join(dir, 'sshd_config'), config.join('\n') + '\n');
  const child = spawn('/usr/sbin/sshd', ['-D', '-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')], {
    stdio: 'ignore',
  });
  await waitForBanner(port, 10_000);
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  const publicLine = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  return {
    host: '127.0.0.1',
    port,
    hostKeyFingerprint: fingerprint,
    knownHostsLine: `[127.0.0.1]:${port} ${publicLine}`,
    user: execFileSync('id', ['-un'], { encoding: 'utf8' }).trim(),
    dir,
    pid: child.pid!,
    async stop() {
      // -D keeps sshd in the foreground, so this PID is the listener; its per-connection children exit with it.
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForBanner(port: number, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    const banner = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.setTimeout(1000);
      socket.once('data', (data) => (socket.destroy(), resolve(data.toString())));
      socket.once('error', () => resolve(''));
      socket.once('timeout', () => (socket.destroy(), resolve('')));
    });
    if (banner.startsWith('SSH-')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not answer on port ${port} within ${limitMs} ms`);
}
