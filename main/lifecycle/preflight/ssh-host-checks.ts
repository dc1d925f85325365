import { readFile } from 'node:fs/promises';

import type { PreflightCheck } from '../../../shared/domain/preflight';
import { TypedError } from '../../../shared/ipc/result';
import type { SshHostConfig } from '../../../shared/run-config/ssh-host-section';
import type { RemoteHost } from '../../host/remote-host';
import { parseSshAddress } from '../../ssh/ssh-address';
import { createSshConnector } from '../../ssh/ssh-remote-host';
import { check, skipped } from './check';
import { diskRoomCheck, freeKibCommand } from './disk-room';

// One try with a short handshake limit: a preflight answers in seconds, it does not wait for a boot.
const PREFLIGHT_CONNECT = { attempts: 1, firstDelayMs: 0, maxDelayMs: 0, readyTimeoutMs: 10_000 };

/**
 * The machine of an ssh-host run: the identity file is readable, the login works, and its host
 * key is the pinned one (or, unpinned, is shown so the user can compare it before the run pins it).
 * Creates nothing on the machine.
 */
export async function sshHostChecks(
  host: SshHostConfig,
  signal?: AbortSignal,
  /** With the run's pull figures: the free room of the work folder's file system (`df`) over the same login. */
  room?: { workRoot: string; figures: { pullBytes: number; needBytes: number } },
): Promise<PreflightCheck[]> {
  let privateKey: Buffer;
  try {
    privateKey = await readFile(host.identityFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return [
      check(
        'ssh',
        'Machine',
        'fail',
        `cannot read the identity file ${host.identityFile} (${code === 'ENOENT' ? 'no such file' : code})`,
        'Give the private key that logs in to the machine, e.g. ~/.ssh/id_ed25519.',
      ),
      skipped('host-key', 'Host key', 'no login'),
    ];
  }
  const target = { ...parseSshAddress(host.address), privateKey };
  let seen: string | undefined;
  const pin = {
    expected: host.hostKeyFingerprint ? [host.hostKeyFingerprint] : [],
    onFirstSight: (fingerprint: string) => (seen = fingerprint),
  };
  try {
    const remote = await createSshConnector(target, pin, PREFLIGHT_CONNECT).connect(
      signal ?? AbortSignal.timeout(30_000),
    );
    try {
      const probe = await remote.exec('uname -sm; command -v bash >/dev/null && echo bash-ok', {
        timeoutMs: 15_000,
        ...(signal ? { signal } : {}),
      });
      const system = probe.stdout.split('\n')[0]?.trim() || 'unknown system';
      const login = probe.stdout.includes('bash-ok')
        ? check('ssh', 'Machine', 'pass', `${host.address} answers (${system})`)
        : check(
            'ssh',
            'Machine',
            'fail',
            `${host.address} has no bash`,
            'The executor needs bash and a Linux user that can write its work folder.',
          );
      const disk = room && login.status === 'pass' ? [await hostDiskRoom(remote, room, signal)] : [];
      return [login, hostKeyCheck(host, seen), ...disk];
    } finally {
      await remote.close().catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof TypedError && error.code === 'PRECONDITION_FAILED') {
      return [
        check('ssh', 'Machine', 'fail', `${host.address} refused: its host key is not the pinned one`),
        check(
          'host-key',
          'Host key',
          'fail',
          error.message,
          error.fix ??
            'If the machine was reinstalled, check its new key and update the fingerprint in the Compute step.',
        ),
      ];
    }
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return [
      check(
        'ssh',
        'Machine',
        'fail',
        `cannot log in to ${host.address}: ${message}`,
        'Check the address and port, that sshd runs, and that the identity file is authorized on the machine (~/.ssh/authorized_keys).',
      ),
      skipped('host-key', 'Host key', 'no login'),
    ];
  }
}

async function hostDiskRoom(
  remote: RemoteHost,
  room: NonNullable<Parameters<typeof sshHostChecks>[2]>,
  signal?: AbortSignal,
): Promise<PreflightCheck> {
  const df = await remote.exec(freeKibCommand(room.workRoot), { timeoutMs: 15_000, ...(signal ? { signal } : {}) });
  const kib = Number(df.stdout.trim());
  if (df.code !== 0 || !Number.isFinite(kib) || df.stdout.trim() === '') {
    return check(
      'disk',
      'Disk room',
      'warn',
      `could not read the free room of ${room.workRoot} (df: ${df.stderr.trim().split('\n')[0] || `exit ${df.code}`})`,
      'The executor checks the room again before it pulls.',
    );
  }
  return diskRoomCheck(
    { ...room.figures, freeBytes: kib * 1024, where: `on the file system of ${room.workRoot}` },
    `Free room there, or set TRAINDECK_SSH_WORK_ROOT to a folder on a larger disk, or pull less (fewer datasets under the prefix, or a lower training.diskReserveMb).`,
  );
}

function hostKeyCheck(host: SshHostConfig, seen: string | undefined): PreflightCheck {
  if (host.hostKeyFingerprint) return check('host-key', 'Host key', 'pass', `${host.hostKeyFingerprint} (pinned)`);
  return check(
    'host-key',
    'Host key',
    'warn',
    `${seen ?? 'unknown'}: seen for the first time; the run pins it`,
    'Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the machine, and paste it in Compute → Host key to pin it now.',
  );
}
