import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { safeWorkFolderScript, UNSAFE_MARK } from './safe-work-folder';

// The script runs in the machine's own sh here, as it does over SSH on the instance.
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'traindeck-safe-work-'));
  chmodSync(root, 0o700);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function prepare(workDir: string) {
  const result = spawnSync(
    'sh',
    ['-c', safeWorkFolderScript(workDir, [join(workDir, 'overrides'), join(workDir, 'data')])],
    {
      encoding: 'utf8',
    },
  );
  const unsafe = result.stderr.split('\n').find((line) => line.startsWith(UNSAFE_MARK));
  return { code: result.status, unsafe: unsafe?.slice(UNSAFE_MARK.length).trim() };
}

const asRoot = process.getuid?.() === 0;
const OTHER_UID = 4242;

describe('the run work folder: no other user can change it before the executor starts', () => {
  it('makes a fresh folder 0700 with its subfolders, also below a path with spaces', () => {
    const work = join(root, 'base with space', 'run-1');
    expect(prepare(work)).toEqual({ code: 0, unsafe: undefined });
    expect(lstatSync(work).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(work, 'overrides')).isDirectory()).toBe(true);
    expect(lstatSync(join(work, 'data')).isDirectory()).toBe(true);
  });

  it('accepts an existing folder of ours with mode 0700 (the local backend made it with mkdtemp)', () => {
    const work = join(root, 'mine');
    mkdirSync(work, { mode: 0o700 });
    expect(prepare(work).code).toBe(0);
  });

  it('accepts a root-owned sticky folder on the way (/tmp, /var/tmp)', () => {
    // /tmp is root's, mode 1777: others may create entries, but not replace ours.
    const work = join('/tmp', `traindeck-safe-${process.pid}`, 'run');
    try {
      expect(prepare(work).code).toBe(0);
    } finally {
      rmSync(join('/tmp', `traindeck-safe-${process.pid}`), { recursive: true, force: true });
    }
  });

  it('refuses a folder on the way that others can write (group or world, no sticky bit)', () => {
    const base = join(root, 'shared-base');
    mkdirSync(base);
    chmodSync(base, 0o777);
    const { code, unsafe } = prepare(join(base, 'run'));
    expect(code).toBe(3);
    expect(unsafe).toMatch(/shared-base is writable by other users \(drwxrwxrwx/);
    expect(() => lstatSync(join(base, 'run'))).toThrow(); // nothing was created below it
  });

  it('refuses a run folder that is a symbolic link, or that others can read', () => {
    const target = join(root, 'elsewhere');
    mkdirSync(target, { mode: 0o700 });
    symlinkSync(target, join(root, 'linked-run'));
    expect(prepare(join(root, 'linked-run'))).toMatchObject({
      code: 3,
      unsafe: expect.stringMatching(/is a symbolic link/),
    });
    const open = join(root, 'open-run');
    mkdirSync(open);
    chmodSync(open, 0o755);
    expect(prepare(open)).toMatchObject({ code: 3, unsafe: expect.stringMatching(/must be yours alone \(0700\)/) });
    writeFileSync(join(root, 'a-file'), 'x');
    expect(prepare(join(root, 'a-file')).code).toBe(3);
  });

  it.runIf(asRoot)(
    'refuses a base another user made first (the /var/tmp/traindeck attack), and a link they own',
    () => {
      // Another local user pre-creates the base folder to swap bootstrap.sh between upload and start.
      const planted = join(root, 'planted');
      mkdirSync(planted, { mode: 0o700 });
      chownSync(planted, OTHER_UID, OTHER_UID);
      expect(prepare(join(planted, 'run'))).toMatchObject({
        code: 3,
        unsafe: expect.stringMatching(new RegExp(`planted belongs to uid ${OTHER_UID}, not to you`)),
      });
      const mine = join(root, 'real');
      mkdirSync(mine, { mode: 0o700 });
      symlinkSync(mine, join(root, 'their-link'));
      spawnSync('chown', ['-h', `${OTHER_UID}:${OTHER_UID}`, join(root, 'their-link')]);
      expect(prepare(join(root, 'their-link', 'run'))).toMatchObject({
        code: 3,
        unsafe: expect.stringMatching(/symbolic link that belongs to uid 4242/),
      });
    },
  );
});
