import * as fs from 'node:fs';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { loadOrCreateTokenFile } from './token-file';

// linkSync passes through; one test lets another launch "win" the race just before it.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  return { ...actual, linkSync: vi.fn(actual.linkSync) };
});

const posixOnly = process.platform === 'win32' ? it.skip : it;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'traindeck-token-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('token file', () => {
  posixOnly('creates a fresh token with mode 0600, in a private folder it makes if needed', () => {
    const path = join(dir, 'nested', 'web-token');
    const { token, created } = loadOrCreateTokenFile(path);
    expect(created).toBe(true);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(path, 'utf8')).toBe(`${token}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'nested')).mode & 0o077).toBe(0);
  });

  it('writes atomically: only the finished file is left, no temporary beside it', () => {
    const path = join(dir, 'web-token');
    loadOrCreateTokenFile(path);
    expect(readdirSync(dir)).toEqual(['web-token']);
  });

  it('keeps the token of a launch that wrote the file first, and cleans up its own temporary', () => {
    const path = join(dir, 'web-token');
    const theirs = 'b'.repeat(43);
    const realLink = vi.mocked(fs.linkSync).getMockImplementation()!;
    vi.mocked(fs.linkSync).mockImplementationOnce((from, to) => {
      writeFileSync(path, `${theirs}\n`, { mode: 0o600 });
      realLink(from, to);
    });
    expect(loadOrCreateTokenFile(path)).toEqual({ token: theirs, created: false });
    expect(readdirSync(dir)).toEqual(['web-token']);
  });

  it('reuses the token of an existing file, so a restarted host accepts the same link', () => {
    const path = join(dir, 'web-token');
    const first = loadOrCreateTokenFile(path);
    const second = loadOrCreateTokenFile(path);
    expect(second).toEqual({ token: first.token, created: false });
  });

  it('accepts a token written by hand without a trailing newline', () => {
    const path = join(dir, 'web-token');
    writeFileSync(path, 'a'.repeat(64), { mode: 0o600 });
    expect(loadOrCreateTokenFile(path).token).toBe('a'.repeat(64));
  });

  posixOnly('refuses a file other users can read, and says how to fix it', () => {
    const path = join(dir, 'web-token');
    loadOrCreateTokenFile(path);
    chmodSync(path, 0o644);
    expect(() => loadOrCreateTokenFile(path)).toThrow(
      `can be read by other users (mode 0644): run \`chmod 600 ${path}\``,
    );
  });

  posixOnly('refuses a file owned by another user', () => {
    const path = join(dir, 'web-token');
    loadOrCreateTokenFile(path);
    const other = statSync(path).uid + 1;
    expect(() => loadOrCreateTokenFile(path, { uid: other })).toThrow('belongs to another user');
  });

  it.each([
    ['too short', 'abc'],
    ['not URL-safe', `${'a'.repeat(43)}/+=`],
    ['two lines', `${'a'.repeat(43)}\n${'b'.repeat(43)}`],
    ['empty', ''],
  ])('refuses content that is not a token (%s)', (_label, content) => {
    const path = join(dir, 'web-token');
    writeFileSync(path, content, { mode: 0o600 });
    expect(() => loadOrCreateTokenFile(path)).toThrow('does not hold a TrainDeck token');
  });

  posixOnly('refuses a symlink, which could point the host at any readable file', () => {
    const target = join(dir, 'elsewhere');
    writeFileSync(target, 'a'.repeat(43), { mode: 0o600 });
    const path = join(dir, 'web-token');
    symlinkSync(target, path);
    expect(() => loadOrCreateTokenFile(path)).toThrow('is not a regular file');
  });

  it('does not check modes where the platform has none', () => {
    const path = join(dir, 'web-token');
    writeFileSync(path, 'a'.repeat(43));
    chmodSync(path, 0o644);
    expect(loadOrCreateTokenFile(path, { posix: false }).token).toBe('a'.repeat(43));
  });
});
