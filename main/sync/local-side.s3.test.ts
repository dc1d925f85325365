import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';

import type { SyncSummary } from '../../shared/sync/types';
import { rejection } from '../core/testing/rejection';
import { verifyDatasets } from '../executor/verify-data';
import { loadSyncState } from './sync-state';
import { bundleTestScript } from './testing/bundle-script';
import { fixtureCli } from './testing/fixture-cli';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';
import type { SyncChildInput } from './testing/sync-child';
import { buildLocalManifest, verifyAgainst } from './verify';

const run = promisify(execFile);
let fx: S3Fixture;
beforeEach(async () => {
  fx = await createS3Fixture('local-side');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await fx.cleanup();
});

describe('unreadable files and folders (run without CAP_DAC_OVERRIDE, so that mode 000 denies root too)', () => {
  let childScript: string;
  beforeAll(async () => {
    childScript = await bundleTestScript('sync-child');
  }, 60_000);

  /** A push in a child process whose capability bounding set lacks DAC override and DAC read-search. */
  async function pushWithoutDacOverride(): Promise<{ summary?: SyncSummary; error?: string }> {
    const s3 = inject('s3');
    const input: SyncChildInput = {
      endpoint: s3.endpoint,
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      keyBase64: fx.keyBytes.toString('base64'),
      spec: fx.spec,
      direction: 'push',
    };
    const child = spawn(
      'setpriv',
      ['--bounding-set=-dac_override,-dac_read_search', '--', process.execPath, childScript],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    child.stdin.end(JSON.stringify(input));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((done) => child.on('close', done));
    return JSON.parse(out.trim().split('\n').at(-1)!) as { summary?: SyncSummary; error?: string };
  }

  it('one unreadable file or folder fails alone: everything else is pushed, nothing below it is deleted', async () => {
    await fx.writeLocal('models', 'same-size.bin', 'AAAA');
    await fx.writeLocal('models', 'locked/inner.bin', 'inner');
    await fx.writeLocal('logs', 'train.log', 'line 1\n');
    expect((await fx.sync('push')).summary).toMatchObject({ uploaded: 3, failures: [] });

    // A new unreadable file; a changed one of the same size (its hash must be read while planning);
    // a folder that cannot be listed (its object would look deleted); and a readable change.
    await fx.writeLocal('models', 'secret.bin', 'new and unreadable');
    await chmod(fx.localPath('models', 'secret.bin'), 0o000);
    await fx.writeLocal('models', 'same-size.bin', 'BBBB', Date.now() + 5000);
    await chmod(fx.localPath('models', 'same-size.bin'), 0o000);
    await chmod(fx.localPath('models', 'locked'), 0o000);
    await fx.writeLocal('logs', 'train.log', 'line 1\nline 2\n');
    try {
      const out = await pushWithoutDacOverride();
      expect(out.error).toBeUndefined();
      expect(out.summary?.uploaded).toBe(1);
      expect(out.summary?.deleted).toBe(0);
      expect(out.summary?.failures.map((f) => [f.folder, f.relPath, f.action]).sort()).toEqual([
        ['models', 'locked', 'upload'],
        ['models', 'same-size.bin', 'upload'],
        ['models', 'secret.bin', 'upload'],
      ]);
      expect(out.summary?.failures.find((f) => f.relPath === 'locked')?.message).toMatch(
        /^"locked" could not be read \(EACCES.*Check its permissions/,
      );
    } finally {
      await chmod(fx.localPath('models', 'locked'), 0o755);
    }
    expect(await fx.keys()).toContain('runs/test/models/locked/inner.bin');
    const log = await fx.store.get('runs/test/logs/train.log');
    let text = '';
    for await (const chunk of log.body) text += String(chunk);
    expect(text).toBe('line 1\nline 2\n');
  });
});

describe('symbolic links', () => {
  it('a sync folder that is a symbolic link is followed at its root; links inside are listed as skipped, not unchanged', async () => {
    const real = join(fx.root, 'elsewhere', 'models');
    await mkdir(real, { recursive: true });
    await writeFile(join(real, 'a.bin'), 'a');
    await symlink(real, join(fx.root, 'models'));
    await symlink('/etc/hostname', join(real, 'link.txt'));
    const push = await fx.sync('push');
    expect(push.summary).toMatchObject({ uploaded: 1, skipped: 0, failures: [] });
    expect(push.summary?.skippedPaths).toEqual([
      { folder: 'models', relPath: 'link.txt', reason: 'symbolic link (not followed)' },
    ]);
    expect(await fx.keys()).toEqual(['runs/test/models/a.bin']);

    await fx.seed('runs/test/models/b.bin', 'b');
    const pull = await fx.sync('pull');
    expect(pull.summary).toMatchObject({ downloaded: 1, failures: [] });
    expect(await readFile(join(real, 'b.bin'), 'utf8')).toBe('b');
  });
});

describe('baselines belong to one mapping', () => {
  it("changing a folder's local path starts without a baseline: the next push deletes nothing", async () => {
    await fx.writeLocal('models', 'a.bin', 'a');
    await fx.writeLocal('models', 'b.bin', 'b');
    await fx.sync('push');
    await fx.sync('pull'); // a full baseline of both files
    const moved = fx.spec.folders.map((f) => (f.name === 'models' ? { ...f, local: 'models-v2' } : f));
    await mkdir(join(fx.root, 'models-v2'));
    await writeFile(join(fx.root, 'models-v2', 'c.bin'), 'c');
    const out = await fx.sync('push', { spec: { folders: moved } });
    expect(out.summary).toMatchObject({ uploaded: 1, deleted: 0 });
    expect(await fx.keys()).toEqual(['runs/test/models/a.bin', 'runs/test/models/b.bin', 'runs/test/models/c.bin']);
    // Back on the old path, its own baseline is gone too (the other mapping replaced it): still no delete.
    expect((await fx.sync('push')).summary).toMatchObject({ deleted: 0 });
  });
});

describe('deep verification', () => {
  it('a dataset corrupted with its mtime restored passes the cached check, and fails --deep and the run', async () => {
    const data = randomBytes(100_000);
    await fx.seed('runs/test/cached-datasets/train.bin', data);
    expect((await fx.sync('pull')).summary).toMatchObject({ downloaded: 1, failures: [] });
    const path = fx.localPath('cached_datasets', 'train.bin');
    const before = await stat(path);
    const handle = await open(path, 'r+');
    await handle.write(Buffer.from([data[500]! ^ 0xff]), 0, 1, 500);
    await handle.close();
    await utimes(path, before.atime, before.mtime);

    const prefixes = ['runs/test/cached-datasets/'];
    const handle2 = async (file: string, original: Buffer) => {
      // Damage it again (mtime restored) for the checks below.
      const info = await stat(file);
      const h = await open(file, 'r+');
      await h.write(Buffer.from([original[500]! ^ 0xff]), 0, 1, 500);
      await h.close();
      await utimes(file, info.atime, info.mtime);
    };
    const state = await loadSyncState(fx.root);
    const cached = await verifyAgainst(await buildLocalManifest(fx.spec, state), fx.store, prefixes, 4);
    expect(cached.mismatches).toEqual([]); // what "trusting the cache" cannot see
    const deep = await verifyAgainst(
      await buildLocalManifest(fx.spec, state, undefined, { deep: true }),
      fx.store,
      prefixes,
      4,
    );
    expect(deep.mismatches).toMatchObject([{ key: 'runs/test/cached-datasets/train.bin', problem: 'sha256' }]);

    // A plain pull trusts the cache and keeps the damaged copy; a deep pull re-hashes and repairs it.
    expect((await fx.sync('pull')).summary).toMatchObject({ downloaded: 0 });
    expect((await fx.sync('pull', { deep: true })).summary).toMatchObject({ downloaded: 1, failures: [] });
    expect((await readFile(path)).equals(data)).toBe(true);
    await handle2(path, data);

    // The executor verifies datasets deeply before training.
    const error = await rejection(verifyDatasets({ spec: fx.spec, store: fx.store, region: 'us-east-1' }));
    expect((error as Error).message).toMatch(
      /dataset file runs\/test\/cached-datasets\/train\.bin does not match S3 \(sha256/,
    );

    // And the CLI: `sync verify --deep` exits 1 naming the file; without --deep it trusts the cache.
    const sync = await fixtureCli(fx, fx.root, '.');
    const cli = (...args: string[]) => sync('verify', '--folder', 'cached_datasets', ...args);
    expect((await cli()).code).toBe(0);
    const strict = await cli('--deep');
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/✗ runs\/test\/cached-datasets\/train\.bin: sha256/);
  });
});

/** Mounts a real tmpfs of `size` at `dir` for `body`, or skips the test (with the reason printed) where that is not allowed. */
async function withTmpfs(
  ctx: { skip: () => void },
  dir: string,
  size: string,
  body: () => Promise<void>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const mounted = await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).then(
    () => true,
    (error: Error) => error.message,
  );
  if (mounted !== true) {
    console.log(`skipped: cannot mount a tmpfs here (${mounted}); this test needs root`);
    return ctx.skip();
  }
  try {
    await body();
  } finally {
    await run('umount', [dir]);
  }
}

describe('a folder on another disk', () => {
  it('pulls into a symlinked folder root on another file system (temp files on that disk, never beside user files)', async (ctx) => {
    const disk = join(fx.root, 'disk2');
    await withTmpfs(ctx, disk, '100m', async () => {
      await mkdir(join(disk, 'models'));
      await symlink(join(disk, 'models'), join(fx.root, 'models'));
      await fx.seed('runs/test/models/m.bin', 'on the other disk');
      expect((await fx.sync('pull')).summary).toMatchObject({ downloaded: 1, failures: [] });
      expect(await readFile(join(disk, 'models', 'm.bin'), 'utf8')).toBe('on the other disk');
      expect(await readdir(join(disk, 'models', '.traindeck', 'tmp'))).toEqual([]);
      // Its temp folder is the engine's: never pushed, never reported.
      expect((await fx.sync('push')).summary).toMatchObject({ uploaded: 0, failures: [], skippedPaths: [] });
    });
  });
});

describe('free space', () => {
  it('a pull that does not fit on a (real, 4 MiB tmpfs) disk fails before a byte moves, naming both figures and the fix', async (ctx) => {
    const small = join(fx.root, 'small');
    await withTmpfs(ctx, small, '4m', async () => {
      await fx.seed('runs/test/models/big.bin', randomBytes(6 * 1024 * 1024));
      await fx.seed('runs/test/models/small.bin', 'tiny');
      const error = (await rejection(fx.sync('pull', { spec: { localRoot: small } }))) as Error & { fix?: string };
      expect(error.message).toMatch(
        new RegExp(
          `^Not enough free space for the pull: it needs 70\\.0 MiB on the disk of ${small} \\(6\\.0 MiB to download \\+ 64\\.0 MiB kept free\\), which has 4\\.0 MiB free\\.$`,
        ),
      );
      expect(error.fix).toMatch(/Free up space on that disk/);
      expect(await readdir(small)).toEqual(['.traindeck']);
    });
  });
});
