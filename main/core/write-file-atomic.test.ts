import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { writeFileAtomic, writeFileAtomicSync } from './write-file-atomic';

// Pass-throughs, so one test can play a file system without hard links.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  return { ...actual, linkSync: vi.fn(actual.linkSync) };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsp>();
  return { ...actual, link: vi.fn(actual.link) };
});

const posixOnly = process.platform === 'win32' ? it.skip : it;
const noHardLinks = () => Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'traindeck-atomic-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.mocked(fs.linkSync).mockClear();
  vi.mocked(fsp.link).mockClear();
});

const variants = [
  ['writeFileAtomic', writeFileAtomic],
  ['writeFileAtomicSync', async (...args: Parameters<typeof writeFileAtomicSync>) => writeFileAtomicSync(...args)],
] as const;

describe.each(variants)('%s', (_name, write) => {
  posixOnly('creates an owner-only file by default, or with the mode asked for', async () => {
    await write(join(dir, 'private'), 'secret');
    await write(join(dir, 'read-only'), 'notes', { mode: 0o400 });
    expect(readFileSync(join(dir, 'private'), 'utf8')).toBe('secret');
    expect(statSync(join(dir, 'private')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'read-only')).mode & 0o777).toBe(0o400);
  });

  it('replaces an existing file whole, and leaves no temporary beside it', async () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, 'old');
    await write(path, new Uint8Array(Buffer.from('new')));
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('removes its temporary when the write fails', async () => {
    // A non-empty folder in the way: the temporary is written, then the rename fails.
    mkdirSync(join(dir, 'taken', 'inside'), { recursive: true });
    await expect(write(join(dir, 'taken'), 'data')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('exclusive: creates a new file, and refuses an existing one with EEXIST, leaving it alone', async () => {
    const path = join(dir, 'token');
    await write(path, 'first', { exclusive: true });
    await expect(write(path, 'second', { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(path, 'utf8')).toBe('first');
    expect(readdirSync(dir)).toEqual(['token']);
  });

  it('exclusive without hard links: still creates, still refuses an existing file', async () => {
    vi.mocked(fs.linkSync).mockImplementation(() => {
      throw noHardLinks();
    });
    vi.mocked(fsp.link).mockImplementation(async () => {
      throw noHardLinks();
    });
    try {
      const path = join(dir, 'token');
      await write(path, 'first', { exclusive: true });
      await expect(write(path, 'second', { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
      expect(readFileSync(path, 'utf8')).toBe('first');
      expect(readdirSync(dir)).toEqual(['token']);
      expect(vi.mocked(fs.linkSync).mock.calls.length + vi.mocked(fsp.link).mock.calls.length).toBe(2);
    } finally {
      const actualFs = await vi.importActual<typeof fs>('node:fs');
      const actualFsp = await vi.importActual<typeof fsp>('node:fs/promises');
      vi.mocked(fs.linkSync).mockImplementation(actualFs.linkSync);
      vi.mocked(fsp.link).mockImplementation(actualFsp.link);
    }
  });
});
