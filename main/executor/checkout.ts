import { copyFile, lstat, mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

import type { ExecutorSpec } from '../../shared/executor/protocol';
import { GITHUB_KNOWN_HOSTS } from './github-known-hosts';
import { PhaseError } from './phase-error';
import { runProcess } from './run-process';
import { writeSecretFile } from './secrets';
import { withoutAwsCredentials } from './step-secrets';

/** Inputs of the checkout: where to clone, and the RAM folder holding the deploy key. */
export interface CheckoutInput {
  spec: ExecutorSpec;
  workDir: string;
  repoDir: string;
  ramDir: string;
  /** The deploy key's bytes; the caller zeroes them after the checkout (step-secrets.ts). */
  deployKey?: Buffer;
  signal?: AbortSignal;
}

/**
 * Clones the repo at its branch or commit with the deploy key, verifying the server against
 * pinned keys only (GitHub's built in, plus the config's), then copies the overrides.
 */
export async function checkout(input: CheckoutInput): Promise<{ commit: string }> {
  const { spec, repoDir, ramDir } = input;
  // The checkout's only secret is the deploy key: no AWS credential a local run inherited reaches git.
  const env = { ...withoutAwsCredentials(process.env), GIT_TERMINAL_PROMPT: '0' } as NodeJS.ProcessEnv;
  if (input.deployKey) {
    const keyFile = join(ramDir, 'deploy_key');
    const knownHosts = join(ramDir, 'known_hosts');
    writeSecretFile(keyFile, input.deployKey);
    writeSecretFile(knownHosts, [GITHUB_KNOWN_HOSTS, spec.code.knownHosts].filter(Boolean).join('\n'));
    // BatchMode: a refused key fails at once instead of prompting for a password nobody types.
    env.GIT_SSH_COMMAND = `ssh -i ${keyFile} -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts} -o GlobalKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=20`;
  }
  const git = (args: string[], cwd?: string) =>
    runProcess(['git', ...args], {
      env,
      timeoutMs: 10 * 60_000,
      ...(cwd ? { cwd } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
  const branchArgs = spec.code.branch ? ['--branch', spec.code.branch, '--single-branch'] : [];
  const clone = await git(['clone', '--quiet', ...branchArgs, '--', spec.code.repoUrl, repoDir]);
  if (clone.code !== 0) throw explainGitFailure(clone.stderr, spec);
  if (spec.code.commit) {
    const co = await git(['checkout', '--quiet', '--detach', spec.code.commit], repoDir);
    if (co.code !== 0) {
      throw new PhaseError(
        `commit ${spec.code.commit} is not in ${spec.code.repoUrl}`,
        'Check code.commit: push the commit, or give its full id.',
      );
    }
  }
  const head = await git(['rev-parse', 'HEAD'], repoDir);
  for (const override of spec.code.overrides) {
    await applyOverride(input.workDir, repoDir, override.uploaded, override.target);
  }
  return { commit: head.stdout.trim() };
}

/** Turns git's stderr into the reason a user can act on. */
export function explainGitFailure(stderr: string, spec: ExecutorSpec): PhaseError {
  const url = spec.code.repoUrl;
  const last = stderr.trim().split('\n').filter(Boolean).slice(-1)[0] ?? 'git clone failed';
  if (/Permission denied \(publickey/.test(stderr)) {
    return new PhaseError(
      `the deploy key was refused by ${url}`,
      'Add the public half of code.deployKeyFile to the repo as a deploy key (read access).',
    );
  }
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/.test(stderr)) {
    return new PhaseError(
      `the host key of ${url} is not the pinned one`,
      'For a remote other than GitHub, put its key in code.knownHosts.',
    );
  }
  if (/Remote branch .* not found|couldn't find remote ref/.test(stderr)) {
    return new PhaseError(`branch "${spec.code.branch}" does not exist in ${url}`, 'Check code.branch.');
  }
  if (
    /Could not resolve hostname|Connection refused|Connection timed out|Network is unreachable|No route to host|does not appear to be a git repository|not found/i.test(
      stderr,
    )
  ) {
    return new PhaseError(
      `the repository ${url} is unreachable: ${last}`,
      'Check code.repoUrl and that the instance can reach it.',
    );
  }
  return new PhaseError(`git clone of ${url} failed: ${last}`);
}

/**
 * Copies one uploaded override into the repo at `target`. Resolves symlinks: a target like
 * "link/x" whose "link" points outside the repo is refused, and so is a target that is itself a
 * symlink pointing out of the repo or nowhere (copyFile would follow a dangling one and create
 * its destination wherever it points).
 */
export async function applyOverride(workDir: string, repoDir: string, uploaded: string, target: string): Promise<void> {
  const root = await realpath(repoDir);
  const wanted = resolve(root, target);
  const parent = await deepestExisting(dirname(wanted));
  const inside = (path: string | undefined) => path !== undefined && (path === root || path.startsWith(root + sep));
  const refuse = (why: string) =>
    new PhaseError(
      `override target "${target}" ${why}`,
      'An override target is a path inside the repository (no "..", no symlink out of it or to nothing).',
    );
  if (!inside(wanted) || !inside(await realpath(parent).catch(() => undefined))) throw refuse('is outside the repo');
  await mkdir(dirname(wanted), { recursive: true });
  const source = join(workDir, uploaded);
  if (!(await stat(source).catch(() => undefined))?.isFile()) {
    throw new PhaseError(`override source for "${target}" was not uploaded`);
  }
  if ((await lstat(wanted).catch(() => undefined))?.isSymbolicLink()) {
    const points = await realpath(wanted).catch(() => undefined);
    if (points === undefined) throw refuse('is a symlink to nothing');
    if (!inside(points)) throw refuse('is outside the repo');
  }
  await copyFile(source, wanted);
}

// lstat: a dangling symlink on the way exists too (its realpath then fails and the target is refused).
async function deepestExisting(path: string): Promise<string> {
  for (let current = path; ; current = dirname(current)) {
    if (await lstat(current).catch(() => undefined)) return current;
    if (dirname(current) === current) return current;
  }
}
