import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';

import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';

import { createS3ObjectStore } from '../aws/s3-object-store';
import { abortAfter } from './testing/abort-after';
import { type FaultPlan, startFaultProxy } from './testing/fault-proxy';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

let fx: S3Fixture;
beforeEach(async () => {
  fx = await createS3Fixture('resilience');
});
afterEach(() => fx.cleanup());

async function withProxy<T>(
  plan: FaultPlan,
  run: (store: ReturnType<typeof createS3ObjectStore>) => Promise<T>,
): Promise<{ result: T; faults: number }> {
  const proxy = await startFaultProxy(inject('s3').endpoint, plan);
  try {
    const result = await run(createS3ObjectStore(fx.clientFor(proxy.endpoint), fx.bucket, fx.key));
    return { result, faults: proxy.faults() };
  } finally {
    await proxy.close();
  }
}

describe('retries', () => {
  it('pushes and pulls through 503 SlowDown, 500s and connection resets', async () => {
    for (let i = 0; i < 30; i += 1) await fx.writeLocal('models', `m${i}.bin`, randomBytes(3000 + i));
    const flaky: FaultPlan = (_req, n) =>
      n % 4 === 0
        ? { status: 503, code: 'SlowDown' }
        : n % 7 === 0
          ? 'reset'
          : n % 11 === 0
            ? { status: 500, code: 'InternalError' }
            : 'pass';
    const push = await withProxy(flaky, (store) => fx.sync('push', { store }));
    expect(push.faults).toBeGreaterThan(5);
    expect(push.result.summary).toMatchObject({ uploaded: 30, failures: [] });

    const pull = await withProxy(flaky, (store) => fx.sync('pull', { store, spec: { localRoot: `${fx.root}-copy` } }));
    expect(pull.faults).toBeGreaterThan(5);
    expect(pull.result.summary).toMatchObject({ downloaded: 30, failures: [] });
    expect(await readFile(`${fx.root}-copy/models/m7.bin`)).toEqual(await readFile(fx.localPath('models', 'm7.bin')));
  });

  it('a file that keeps failing is reported by name while the rest transfer', async () => {
    for (const name of ['good-1.bin', 'cursed.bin', 'good-2.bin']) {
      await fx.writeLocal('models', name, randomBytes(1000));
    }
    const cursed: FaultPlan = (req) => (req.url?.includes('cursed.bin') ? { status: 503, code: 'SlowDown' } : 'pass');
    const { result } = await withProxy(cursed, (store) => fx.sync('push', { store, retry: { budgetMs: 1_500 } }));
    expect(result.summary?.uploaded).toBe(2);
    expect(result.summary?.failures).toEqual([
      { folder: 'models', relPath: 'cursed.bin', action: 'upload', message: expect.stringContaining('cursed.bin') },
    ]);
    expect(await fx.keys()).toEqual(['runs/test/models/good-1.bin', 'runs/test/models/good-2.bin']);
  });
});

describe('interruptions', () => {
  it('an interrupted push resumes without re-sending finished files', async () => {
    for (let i = 0; i < 120; i += 1) {
      await fx.writeLocal('logs', `l${String(i).padStart(3, '0')}.log`, randomBytes(5000));
    }
    const controller = new AbortController();
    const first = await fx.sync('push', {
      spec: { concurrency: 2 },
      // 31 PUTs: the prefix's key marker, then 30 files.
      store: abortAfter(fx.store, 'put', 31, controller),
      signal: controller.signal,
    });
    expect(first.summary?.cancelled).toBe(true);
    const already = (await fx.keys()).length;
    expect(already).toBeGreaterThanOrEqual(30);
    expect(already).toBeLessThan(120);

    const second = await fx.sync('push');
    expect(second.summary).toMatchObject({ failures: [], cancelled: false });
    // Finished files are not sent again. The one other PUT in flight at the abort (concurrency 2)
    // may still be committed by the server after the client gave up on it and after `keys()` was
    // listed: that file is then found whole with its SHA-256 and not sent again either (seen in CI:
    // 89 uploaded of 90 missing).
    const uploaded = second.summary?.uploaded ?? -1;
    expect(uploaded).toBeLessThanOrEqual(120 - already);
    expect(uploaded).toBeGreaterThanOrEqual(120 - already - 1);
    expect(await fx.keys()).toHaveLength(120);
  });

  it('the next sync removes temp files left by a download that died with its process, only in its temp folder', async () => {
    await fx.seed('runs/test/models/m.bin', randomBytes(1000));
    await mkdir(`${fx.root}/.traindeck/tmp`, { recursive: true });
    await writeFile(`${fx.root}/.traindeck/tmp/0123.partial`, 'half a file');
    const out = await fx.sync('pull');
    expect(out.summary?.downloaded).toBe(1);
    expect(await readdir(fx.localPath('models', ''))).toEqual(['m.bin']);
    expect(await readdir(`${fx.root}/.traindeck/tmp`)).toEqual([]);
  });

  it('an interrupted download leaves no truncated file; the next pull completes it', async () => {
    const big = randomBytes(12 * 1024 * 1024);
    await fx.seed('runs/test/models/big.bin', big);
    for (let i = 0; i < 10; i += 1) await fx.seed(`runs/test/models/s${i}.bin`, randomBytes(100_000));
    const controller = new AbortController();
    // Small ranges and a tiny threshold make the big file a ranged download to interrupt.
    const spec = { concurrency: 2, multipartThreshold: 1024 * 1024, partSize: 1024 * 1024 };
    await fx.sync('pull', { spec, store: abortAfter(fx.store, 'get', 4, controller), signal: controller.signal });
    const names = await readdir(fx.localPath('models', ''));
    expect(names.filter((n) => n.endsWith('.partial'))).toEqual([]);
    for (const name of names) {
      if (name === 'big.bin') expect((await readFile(fx.localPath('models', name))).equals(big)).toBe(true);
    }

    const again = await fx.sync('pull', { spec });
    expect(again.summary?.failures).toEqual([]);
    expect(again.summary!.downloaded).toBe(11 - names.length);
    expect((await readFile(fx.localPath('models', 'big.bin'))).equals(big)).toBe(true);
  });
});
