import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { applyOverride } from './checkout';

// Invariant: an override writes inside the repo or nowhere, whatever symlinks the repo holds.
let base: string;
let work: string;
let repo: string;
let outside: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'traindeck-override-'));
  work = join(base, 'work');
  repo = join(work, 'repo');
  outside = join(base, 'outside');
  mkdirSync(join(work, 'overrides'), { recursive: true });
  mkdirSync(repo);
  mkdirSync(outside);
  writeFileSync(join(work, 'overrides', '0'), 'lr=0.1\n');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const apply = (target: string) => applyOverride(work, repo, 'overrides/0', target);

describe('override targets', () => {
  it('writes a plain target inside the repo', async () => {
    await apply('config/override.txt');
    expect(readFileSync(join(repo, 'config', 'override.txt'), 'utf8')).toBe('lr=0.1\n');
  });

  it('refuses a dangling symlink that points out of the repo, and creates nothing there', async () => {
    symlinkSync(join(outside, 'planted.sh'), join(repo, 'settings.txt'));
    await expect(apply('settings.txt')).rejects.toThrow(/override target "settings.txt" is a symlink to nothing/);
    expect(existsSync(join(outside, 'planted.sh'))).toBe(false);
  });

  it('refuses a symlink to an existing file outside the repo, and leaves that file alone', async () => {
    writeFileSync(join(outside, 'bashrc'), 'original\n');
    symlinkSync(join(outside, 'bashrc'), join(repo, 'settings.txt'));
    await expect(apply('settings.txt')).rejects.toThrow(/is outside the repo/);
    expect(readFileSync(join(outside, 'bashrc'), 'utf8')).toBe('original\n');
  });

  it('refuses a dangling symlinked folder on the way', async () => {
    symlinkSync(join(outside, 'missing-dir'), join(repo, 'conf'));
    await expect(apply('conf/x.txt')).rejects.toThrow(/is outside the repo/);
    expect(existsSync(join(outside, 'missing-dir'))).toBe(false);
  });

  it('follows a symlink that stays inside the repo', async () => {
    writeFileSync(join(repo, 'real.txt'), 'old\n');
    symlinkSync(join(repo, 'real.txt'), join(repo, 'alias.txt'));
    await apply('alias.txt');
    expect(readFileSync(join(repo, 'real.txt'), 'utf8')).toBe('lr=0.1\n');
  });
});
