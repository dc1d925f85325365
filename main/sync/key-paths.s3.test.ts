import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { SyncEvent } from '../../shared/sync/events';
import { fixtureCli } from './testing/fixture-cli';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

let fx: S3Fixture;
/** The data folder sits three levels below the fixture's root, so that "../" keys have somewhere to land. */
let dataRoot: string;
beforeEach(async () => {
  fx = await createS3Fixture('key-paths');
  dataRoot = join(fx.root, 'a', 'b', 'data');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await fx.cleanup();
});

const pull = (options: { dryRun?: boolean } = {}) => fx.sync('pull', { spec: { localRoot: dataRoot }, ...options });
const push = (options: { dryRun?: boolean } = {}) => fx.sync('push', { spec: { localRoot: dataRoot }, ...options });
const local = (...parts: string[]) => join(dataRoot, ...parts);

/** Every file and link below `dir`, relative to it (folders only through what they hold). */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('object keys that are not safe local paths', () => {
  it('never writes a ".." key outside its folder, and reports it by name with a failing summary', async () => {
    await fx.seed('runs/test/models/../../../escape.txt', 'planted');
    await fx.seed('runs/test/cached-datasets/../models/crossed.bin', 'planted');
    await fx.seed('runs/test/models/fine.bin', 'fine');
    const out = await pull();
    expect((await tree(fx.root)).filter((p) => !p.startsWith('a/b/data/.traindeck/'))).toEqual([
      'a/b/data/models/fine.bin',
    ]);
    expect(out.summary?.downloaded).toBe(1);
    expect(out.summary?.failures.map((f) => [f.folder, f.relPath, f.action])).toEqual(
      expect.arrayContaining([
        ['models', '../../../escape.txt', 'reject'],
        ['cached_datasets', '../models/crossed.bin', 'reject'],
      ]),
    );
    expect(out.summary?.failures[0]?.message).toMatch(/cannot be a local path: it has a "\.\." path segment/);
    const reported = out.events.filter((e) => e.type === 'failed-file').map((e) => e.relPath);
    expect(reported).toEqual(expect.arrayContaining(['../../../escape.txt', '../models/crossed.bin']));
  });

  it('keeps "//" twins apart: one is pulled, the other rejected, and push deletes and overwrites neither', async () => {
    await fx.seed('runs/test/models/a/b.bin', 'single');
    await fx.seed('runs/test/models/a//b.bin', 'double');
    const first = await pull();
    expect(first.summary?.failures.map((f) => f.relPath)).toEqual(['a//b.bin']);
    expect(await readFile(local('models/a/b.bin'), 'utf8')).toBe('single');
    await writeFile(local('models/a/b.bin'), 'edited');
    const second = await push();
    expect(second.summary?.uploaded).toBe(1);
    expect(second.summary?.deleted).toBe(0);
    const got = await fx.store.get('runs/test/models/a//b.bin');
    let text = '';
    for await (const chunk of got.body) text += String(chunk);
    expect(text).toBe('double');
  });

  it('pushes and pulls 250- and 255-byte names; a 256-byte one is rejected, not half-written', async () => {
    const name250 = `${'n'.repeat(246)}.bin`;
    const name255 = `${'\u00e9'.repeat(125)}x.bin`;
    expect(Buffer.byteLength(name255)).toBe(255);
    await mkdir(local('models'), { recursive: true });
    await writeFile(local('models', name250), 'two-fifty');
    await writeFile(local('models', name255), 'two-fifty-five');
    expect((await push()).summary).toMatchObject({ uploaded: 2, failures: [] });
    await fx.seed(`runs/test/models/${'z'.repeat(256)}`, 'too long');

    const copy = join(fx.root, 'copy');
    const out = await fx.sync('pull', { spec: { localRoot: copy } });
    expect(out.summary?.downloaded).toBe(2);
    expect(out.summary?.failures).toEqual([
      expect.objectContaining({
        relPath: 'z'.repeat(256),
        action: 'reject',
        message: expect.stringMatching(/256 bytes/),
      }),
    ]);
    expect(await readFile(join(copy, 'models', name255), 'utf8')).toBe('two-fifty-five');
    expect((await tree(copy)).filter((p) => !p.startsWith('.traindeck/'))).toEqual(
      [`models/${name250}`, `models/${name255}`].sort(),
    );
  });

  it('rejects a folder marker holding data, ignores an empty one, and deletes neither on push', async () => {
    await fx.seed('runs/test/models/full/', 'data in a marker');
    await fx.seed('runs/test/models/empty/', '');
    const out = await pull();
    expect(out.summary?.failures).toEqual([
      expect.objectContaining({ relPath: 'full/', action: 'reject', message: expect.stringMatching(/folder marker/) }),
    ]);
    await mkdir(local('models'), { recursive: true });
    await push();
    expect(await fx.keys()).toEqual(['runs/test/models/empty/', 'runs/test/models/full/']);
  });

  it('never writes through a symbolic link planted inside the folder', async () => {
    const outside = join(fx.root, 'outside');
    await mkdir(outside);
    await mkdir(local('models'), { recursive: true });
    await symlink(outside, local('models', 'sub'));
    await fx.seed('runs/test/models/sub/x.bin', 'through the link');
    const out = await pull();
    expect(await readdir(outside)).toEqual([]);
    expect(out.summary?.skippedPaths).toEqual([
      { folder: 'models', relPath: 'sub', reason: 'symbolic link (not followed)' },
    ]);
    // Push neither uploads through the link nor deletes the object it hides.
    expect((await push()).summary).toMatchObject({ uploaded: 0, deleted: 0 });
    expect(await fx.keys()).toEqual(['runs/test/models/sub/x.bin']);
  });
});

describe('local names that cannot be keys', () => {
  it('a file name that is not valid UTF-8, or holds a backslash or a newline, is reported and not uploaded', async () => {
    await mkdir(local('models'), { recursive: true });
    await writeFile(Buffer.concat([Buffer.from(`${local('models')}/bad-`), Buffer.from([0xff, 0xfe])]), 'x');
    await writeFile(local('models', 'back\\slash'), 'x');
    await writeFile(local('models', 'new\nline'), 'x');
    await writeFile(local('models', 'fine.bin'), 'x');
    const out = await push();
    expect(out.summary?.uploaded).toBe(1);
    expect(out.summary?.failures.map((f) => [f.relPath, f.action]).sort()).toEqual([
      ['back\\slash', 'reject'],
      ['bad-\ufffd\ufffd', 'reject'],
      ['new\nline', 'reject'],
    ]);
    expect(await fx.keys()).toEqual(['runs/test/models/fine.bin']);
  });
});

describe("the engine's temp files", () => {
  it('a user file named like an old temp file is an ordinary file: kept by every sync, dry runs included', async () => {
    const name = '.model.bin.traindeck-partial-1234abcd';
    await mkdir(local('models'), { recursive: true });
    await writeFile(local('models', name), 'mine');
    await pull({ dryRun: true });
    await push({ dryRun: true });
    await pull();
    expect(await readFile(local('models', name), 'utf8')).toBe('mine');
    expect((await push()).summary?.uploaded).toBe(1);
    await pull();
    expect(await readFile(local('models', name), 'utf8')).toBe('mine');
    expect(await fx.keys()).toEqual([`runs/test/models/${name}`]);
  });

  it('a dry run leaves stale temp files alone; a real sync removes them', async () => {
    await mkdir(local('.traindeck/tmp'), { recursive: true });
    await writeFile(local('.traindeck/tmp/dead.partial'), 'half');
    await pull({ dryRun: true });
    expect(await readdir(local('.traindeck/tmp'))).toEqual(['dead.partial']);
    await pull();
    expect(await readdir(local('.traindeck/tmp'))).toEqual([]);
  });
});

describe('traindeck sync with rejected keys', () => {
  it('exits non-zero and names the key in --json, dry run included', async () => {
    await fx.seed('runs/test/models/../evil', 'planted');
    const cli = await fixtureCli(fx, join(fx.root, 'cli'), 'data');
    const run = async (...args: string[]) => {
      const { code, out, err } = await cli(...args, '--json');
      expect(err, 'stderr of the CLI').not.toMatch(/^traindeck:/);
      return {
        code,
        events: out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as SyncEvent),
      };
    };
    for (const args of [['pull', '--dry-run'], ['pull']]) {
      const { code, events } = await run(...args);
      expect(code).toBe(1);
      expect(events).toContainEqual(expect.objectContaining({ type: 'failed-file', relPath: '../evil' }));
    }
    const { events } = await run('pull');
    const summary = events.find((e) => e.type === 'summary');
    expect(summary?.type === 'summary' && summary.summary.failures[0]).toMatchObject({
      relPath: '../evil',
      action: 'reject',
    });
    expect((await tree(fx.root)).filter((p) => p.endsWith('evil'))).toEqual([]);
  });
});

// Guard against a test that passes because nothing was seeded (the bucket must hold what we put).
it('the fixture keeps ".." and "//" in keys as they were written', async () => {
  await fx.seed('runs/test/models/../x', randomBytes(4));
  await fx.seed('runs/test/models/a//b', randomBytes(4));
  expect(await fx.keys()).toEqual(['runs/test/models/../x', 'runs/test/models/a//b']);
});
