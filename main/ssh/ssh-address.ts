import { TypedError } from '../../shared/ipc/result';

/** Parses `user@host[:port]`. */
export function parseSshAddress(address: string): { username: string; host: string; port: number } {
  const match = /^([^@\s]+)@([^:\s]+)(?::(\d{1,5}))?$/.exec(address);
  if (!match) {
    throw new TypedError('INVALID_REQUEST', `"${address}" is not user@host[:port].`, {
      fix: 'Example: ubuntu@10.0.0.5:22',
    });
  }
  return { username: match[1]!, host: match[2]!, port: match[3] ? Number(match[3]) : 22 };
}

/**
 * Where an ssh-host run's folders go on the machine: TRAINDECK_SSH_WORK_ROOT (tests use a temp
 * folder), else the user's own. Not /var/tmp: start-executor refuses any folder on the way that
 * another user owns or can write.
 */
export function sshWorkRoot(env: NodeJS.ProcessEnv, username: string): string {
  return env.TRAINDECK_SSH_WORK_ROOT ?? (username === 'root' ? '/var/lib/traindeck' : `/home/${username}/traindeck`);
}
