import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { WITHHELD_AWS_ENV } from '../../../shared/run-config/secret-env-names';
import { findLocalTools, readLoginShellPath } from './local-tools';

const signal = () => new AbortController().signal;

/** A folder holding executable files `names` (scripts that print `body`). */
function binDir(names: string[], body = 'echo v22.11.0'): string {
  const dir = mkdtempSync(join(tmpdir(), 'traindeck-tools-'));
  for (const name of names) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe('finding the local run tools (launched from a menu, Finder or a .desktop file)', () => {
  it("finds Node on the login shell's PATH when TrainDeck's own PATH is minimal, and runs with it first", async () => {
    const nvm = binDir(['node']);
    const tools = await findLocalTools({
      signal: signal(),
      platform: 'linux',
      env: { PATH: '/usr/bin:/bin', HOME: '/home/me' },
      loginShellPath: async () => `${nvm}:/usr/bin`,
    });
    expect(tools.node).toBe(join(nvm, 'node'));
    expect(tools.env.PATH).toBe(`${nvm}:/usr/bin:/bin`);
    expect(tools.env.HOME).toBe('/home/me');
  });

  it("does not hand the desktop's AWS credential variables to the local executor (it gets scoped ones on stdin)", async () => {
    const nvm = binDir(['node']);
    const tools = await findLocalTools({
      signal: signal(),
      platform: 'linux',
      env: {
        PATH: '/usr/bin:/bin',
        AWS_ACCESS_KEY_ID: 'AKIADESKTOPLONGTERM1',
        AWS_SECRET_ACCESS_KEY: 'desktop-long-term-secret',
        AWS_SESSION_TOKEN: 'desktop-session-token',
        AWS_SECURITY_TOKEN: 'desktop-legacy-token',
        AWS_REGION: 'eu-west-1',
      },
      loginShellPath: async () => nvm,
    });
    for (const name of WITHHELD_AWS_ENV) expect(tools.env[name], name).toBeUndefined();
    expect(JSON.stringify(tools.env)).not.toMatch(/desktop-|AKIADESKTOP/);
    expect(tools.env.AWS_REGION).toBe('eu-west-1');
  });

  it('says where Node was looked for, and that the login shell could not be read, instead of installing one', async () => {
    const empty = binDir([]);
    await expect(
      findLocalTools({
        signal: signal(),
        platform: 'darwin',
        env: { PATH: empty },
        loginShellPath: async () => undefined,
      }),
    ).rejects.toThrow(
      `A local run needs Node.js 20 or newer on this computer, and none was found; looked in ${empty} (TrainDeck's own PATH; the login shell's could not be read). Install Node.js 22 LTS, or start TrainDeck from a terminal where \`node -v\` shows 20 or newer.`,
    );
  });

  it('refuses a Node older than 20, naming it', async () => {
    const old = binDir(['node'], 'echo v18.20.4');
    await expect(
      findLocalTools({ signal: signal(), platform: 'linux', env: { PATH: old }, loginShellPath: async () => old }),
    ).rejects.toThrow(`found ${join(old, 'node')} (v18.20.4), which is older than 20`);
  });

  it('on Windows, says a POSIX shell is needed when there is no sh, before looking for Node', async () => {
    const onlyNode = binDir(['node.exe']);
    await expect(
      findLocalTools({
        signal: signal(),
        platform: 'win32',
        env: { Path: onlyNode },
        nodeVersion: async () => 'v22.1.0',
      }),
    ).rejects.toThrow(/^A local run needs a POSIX shell \(sh\) and none was found in .*Install Git for Windows/);
  });

  it("on Windows, finds Git for Windows' sh.exe and node.exe on Path (no login shell is asked)", async () => {
    const git = binDir(['sh.exe']);
    const node = binDir(['node.exe']);
    const tools = await findLocalTools({
      signal: signal(),
      platform: 'win32',
      env: { Path: `${git};${node}` },
      loginShellPath: async () => {
        throw new Error('must not be asked on Windows');
      },
      nodeVersion: async () => 'v22.1.0',
    });
    expect(tools.node).toBe(join(node, 'node.exe'));
    expect(tools.env.Path).toBe(`${git};${node}`);
  });
});

describe("reading the login shell's PATH", () => {
  it('extracts the PATH between markers, ignoring what rc files print, even when the shell exits non-zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traindeck-shell-'));
    const shell = join(dir, 'noisy-shell');
    // Stands in for `zsh -ilc CMD`: a motd, then the command run with a PATH of its own.
    writeFileSync(
      shell,
      '#!/bin/sh\necho "Welcome to your shell"\nPATH=/opt/homebrew/bin:/usr/bin\neval "$2"\nexit 3\n',
    );
    chmodSync(shell, 0o755);
    expect(await readLoginShellPath(shell, signal())).toBe('/opt/homebrew/bin:/usr/bin');
  });

  it('gives up on a shell that never answers (its time limit) and on one that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traindeck-shell-'));
    mkdirSync(join(dir, 'bin'));
    const stalling = join(dir, 'bin', 'stalling-shell');
    writeFileSync(stalling, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(stalling, 0o755);
    expect(await readLoginShellPath(stalling, signal(), 200)).toBeUndefined();
    expect(await readLoginShellPath(join(dir, 'no-such-shell'), signal())).toBeUndefined();
  });

  it('stops when the run is cancelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traindeck-shell-'));
    const stalling = join(dir, 'stalling-shell');
    writeFileSync(stalling, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(stalling, 0o755);
    const controller = new AbortController();
    const read = readLoginShellPath(stalling, controller.signal, 60_000);
    controller.abort();
    expect(await read).toBeUndefined();
  });
});
