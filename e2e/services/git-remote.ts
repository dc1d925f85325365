import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A bare repository on this machine, filled from a folder of files. */
export interface GitRemote {
  /** Absolute path of the bare repo (what an ssh URL points at). */
  bareDir: string;
  /** The commit of `branch`. */
  commit: string;
  remove(): void;
}

/**
 * Creates a bare repo with one commit on `branch` holding `files` (path → content; a value
 * `{ symlink }` makes a symlink). Served over sshd with a deploy key restricted by
 * {@link deployKeyLine}.
 */
export function createGitRemote(
  files: Record<string, string | { symlink: string } | { executable: string }>,
  branch = 'main',
): GitRemote {
  const root = mkdtempSync(join(tmpdir(), 'traindeck-git-'));
  const work = join(root, 'work');
  const bareDir = join(root, 'repo.git');
  const git = (args: string[], cwd = work) =>
    execFileSync('git', ['-c', 'user.name=TrainDeck Test', '-c', 'user.email=test@traindeck.invalid', ...args], {
      cwd,
      encoding: 'utf8',
    }).trim();
  execFileSync('git', ['init', '-q', '-b', branch, work]);
  for (const [path, content] of Object.entries(files)) {
    const target = join(work, path);
    mkdirSync(join(target, '..'), { recursive: true });
    if (typeof content === 'string') writeFileSync(target, content);
    else if ('symlink' in content) symlinkSync(content.symlink, target);
    else {
      writeFileSync(target, content.executable);
      chmodSync(target, 0o755);
    }
  }
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'training repo']);
  const commit = git(['rev-parse', 'HEAD']);
  execFileSync('git', ['clone', '-q', '--bare', work, bareDir]);
  return { bareDir, commit, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** An authorized_keys line that lets `publicKey` run git only (no shell, no forwarding). */
export function deployKeyLine(publicKey: string): string {
  return `restrict,command="/usr/bin/git-shell -c \\"$SSH_ORIGINAL_COMMAND\\"" ${publicKey}`;
}
