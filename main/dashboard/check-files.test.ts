import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { checkFiles } from './check-files';

const dir = mkdtempSync(join(tmpdir(), 'traindeck-check-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, mode: number, body = 'x') => {
  const path = join(dir, name);
  writeFileSync(path, body);
  chmodSync(path, mode);
  return path;
};

describe('checkFiles: why a file cannot be used, as a reason the window words at its field', () => {
  it('a missing file, a path through a file, a folder and a relative path each get their reason', async () => {
    mkdirSync(join(dir, 'keys'));
    const plain = file('plain.txt', 0o644);
    const checks = await checkFiles([join(dir, 'nope'), join(plain, 'below'), join(dir, 'keys'), 'keys/a.key']);
    expect(checks.map((check) => [check.ok, check.reason])).toEqual([
      [false, 'missing'],
      [false, 'missing'],
      [false, 'folder'],
      [false, 'relative'],
    ]);
    expect(checks[2]?.problem).toBe('is a folder, not a file');
  });

  it('a key or secret that others may read is usable with a warning naming its mode; a plain file is not judged', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', join(dir, 'deploy')]);
    chmodSync(join(dir, 'deploy'), 0o644);
    const secret = file('wandb.key', 0o640);
    const tight = file('tight.key', 0o600);
    const override = file('override.yaml', 0o644);
    const checks = await checkFiles(
      [join(dir, 'deploy'), secret, tight, override],
      ['ssh-private-key', 'secret', 'secret', 'file'],
    );
    expect(checks[0]).toEqual({
      path: join(dir, 'deploy'),
      ok: true,
      reason: 'open-permissions',
      warning: 'other users may read it (mode 0644)',
    });
    expect(checks[1]).toMatchObject({ ok: true, reason: 'open-permissions', warning: expect.stringContaining('0640') });
    expect(checks[2]).toEqual({ path: tight, ok: true });
    expect(checks[3]).toEqual({ path: override, ok: true });
  });

  it('a .pub given as a key is refused before its permissions are looked at', async () => {
    const [pub] = await checkFiles([join(dir, 'deploy.pub')], ['ssh-private-key']);
    expect(pub).toMatchObject({
      ok: false,
      reason: 'not-private-key',
      problem: expect.stringMatching(/^is a public key/),
    });
  });
});
