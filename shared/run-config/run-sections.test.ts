import { describe, expect, it } from 'vitest';

import { codeSchema, trainingSchema } from './run-sections';

const message = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
  result.error?.issues[0]?.message;

describe('code and training sections', () => {
  it('accepts GitHub ssh, ssh:// with a port, and https URLs; refuses file:// and ext::', () => {
    for (const repoUrl of ['git@github.com:acme/train.git', 'ssh://git@git.example.com:2222/acme/train.git']) {
      expect(codeSchema.safeParse({ repoUrl, deployKeyFile: 'k' }).success, repoUrl).toBe(true);
    }
    expect(codeSchema.safeParse({ repoUrl: 'https://github.com/acme/train.git' }).success).toBe(true);
    // A token in an https URL would reach argv, .git/config, logs and the report: refused with the fix.
    for (const repoUrl of [
      'https://x-access-token:ghp_abc@github.com/acme/train.git',
      'https://ghp_abc@github.com/a/b.git',
    ]) {
      expect(message(codeSchema.safeParse({ repoUrl }))).toMatch(
        /credentials in it .* use an ssh URL with a read-only deploy key/,
      );
    }
    for (const repoUrl of ['file:///etc', 'ext::sh -c id', '/srv/repo.git']) {
      expect(message(codeSchema.safeParse({ repoUrl, deployKeyFile: 'k' }))).toMatch(/ssh URL .* or an https URL/);
    }
  });

  it('needs a deploy key for ssh, one of branch or commit, and override targets inside the repo', () => {
    expect(message(codeSchema.safeParse({ repoUrl: 'git@github.com:a/b.git' }))).toMatch(/deployKeyFile is required/);
    expect(
      message(
        codeSchema.safeParse({
          repoUrl: 'git@github.com:a/b.git',
          deployKeyFile: 'k',
          branch: 'main',
          commit: 'abcdef1',
        }),
      ),
    ).toBe('give code.branch or code.commit, not both');
    expect(
      message(
        codeSchema.safeParse({ repoUrl: 'git@github.com:a/b.git', deployKeyFile: 'k', branch: '--upload-pack=x' }),
      ),
    ).toMatch(/branch/);
    for (const target of ['../x', '/etc/passwd', 'a/../../x']) {
      expect(
        message(
          codeSchema.safeParse({
            repoUrl: 'git@github.com:a/b.git',
            deployKeyFile: 'k',
            overrides: [{ source: 's', target }],
          }),
        ),
      ).toMatch(/inside the repo/);
    }
  });

  it('training: a command is required; defaults for env, grace, disk reserve and max runtime', () => {
    expect(message(trainingSchema.safeParse({ command: ' ' }))).toMatch(/training.command is empty/);
    expect(trainingSchema.parse({ command: 'python train.py' })).toEqual({
      command: 'python train.py',
      env: {},
      graceSeconds: 60,
      diskReserveMb: 1024,
      maxRuntimeMinutes: 1440,
    });
  });
});
