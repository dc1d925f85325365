import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { appendRegularFileSync, readRegularFile, readRegularFileSync, RefusedFileError } from './regular-file';

// The invariant: a file main wrote itself into a folder others can write is read only when it is a
// regular file of a sane size; a link is never followed, a FIFO never waited on, and each refusal is
// a sentence naming the file with a fix. Both the blocking and the pool version are held to it.

const LIMIT = { what: 'a test journal', maxBytes: 1024 };
const readers = {
  sync: (path: string) => Promise.resolve().then(() => readRegularFileSync(path, LIMIT)),
  async: (path: string) => readRegularFile(path, LIMIT),
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'regular-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each(Object.entries(readers))('readRegularFile (%s)', (_, read) => {
  it('reads a regular file whole, and says undefined for no file', async () => {
    writeFileSync(join(dir, 'a'), 'x'.repeat(1024));
    await expect(read(join(dir, 'a'))).resolves.toBe('x'.repeat(1024));
    await expect(read(join(dir, 'none'))).resolves.toBeUndefined();
  });

  it('never follows a link at the name, even to a readable regular file', async () => {
    writeFileSync(join(dir, 'secret'), 'outside');
    symlinkSync(join(dir, 'secret'), join(dir, 'link'));
    const refused = await read(join(dir, 'link')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RefusedFileError);
    expect((refused as RefusedFileError).message).toBe(
      `${join(dir, 'link')} is a symbolic link, so TrainDeck did not read it.`,
    );
    expect((refused as RefusedFileError).fix).toMatch(/move .*link away \(or delete it\), then try again\.$/);
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    // Without O_NONBLOCK the sync version blocks this test's thread for ever: the test would hang, not fail.
    await expect(read(join(dir, 'fifo'))).rejects.toThrow(/fifo is a FIFO \(named pipe\), not a regular file/);
  });

  it('refuses a folder, and a file larger than its kind can be', async () => {
    mkdirSync(join(dir, 'folder'));
    await expect(read(join(dir, 'folder'))).rejects.toThrow(/folder is a folder, not a regular file/);
    writeFileSync(join(dir, 'big'), 'x'.repeat(1025));
    await expect(read(join(dir, 'big'))).rejects.toThrow(
      /big is larger than 1 KiB, more than a test journal can be, so TrainDeck did not read it\./,
    );
  });

  it('refuses a link to a FIFO without waiting on it', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    symlinkSync(join(dir, 'fifo'), join(dir, 'link'));
    await expect(read(join(dir, 'link'))).rejects.toThrow(/link is a symbolic link/);
  });
});

describe('appendRegularFileSync', () => {
  it('creates the file owner-only and appends to it', () => {
    appendRegularFileSync(join(dir, 'log'), 'one\n');
    appendRegularFileSync(join(dir, 'log'), 'two\n', { fsync: true });
    expect(readFileSync(join(dir, 'log'), 'utf8')).toBe('one\ntwo\n');
    expect(statSync(join(dir, 'log')).mode & 0o777).toBe(0o600);
  });

  it('never writes through a link (to a file, or dangling: nothing is created where it points)', () => {
    writeFileSync(join(dir, 'precious'), 'keep');
    symlinkSync(join(dir, 'precious'), join(dir, 'link'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    expect(() => appendRegularFileSync(join(dir, 'link'), 'x')).toThrow(
      `${join(dir, 'link')} is a symbolic link, so TrainDeck did not write to it.`,
    );
    expect(() => appendRegularFileSync(join(dir, 'dangling'), 'x')).toThrow(/dangling is a symbolic link/);
    expect(readFileSync(join(dir, 'precious'), 'utf8')).toBe('keep');
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('never writes into a FIFO, with or without a reader, nor into a folder', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => appendRegularFileSync(fifo, 'x')).toThrow(/fifo is a FIFO \(named pipe\)/);
    // A reader holds it open now (this test, without blocking): the open for writing would succeed.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      expect(() => appendRegularFileSync(fifo, 'x')).toThrow(/fifo is a FIFO \(named pipe\)/);
      // Nothing reached the reader: an empty FIFO with no writer left reads as end of file.
      expect(readSync(reader, Buffer.alloc(8))).toBe(0);
    } finally {
      closeSync(reader);
    }
    mkdirSync(join(dir, 'folder'));
    expect(() => appendRegularFileSync(join(dir, 'folder'), 'x')).toThrow(/folder is a folder, not a regular file/);
  });
});
