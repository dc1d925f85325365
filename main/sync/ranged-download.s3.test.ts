import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';

import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';

import type { S3PoolOptions } from '../aws/s3-client';
import { createS3ObjectStore } from '../aws/s3-object-store';
import { type Fault, type FaultPlan, type FaultRequest, startFaultProxy } from './testing/fault-proxy';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

const MiB = 1024 * 1024;
/** 1 MiB ranges (4 parts of 256 KiB) from 2 MiB up: a 6.5 MiB object is 7 ranged GETs, 2 in flight. */
const spec = { concurrency: 4, multipartThreshold: 2 * MiB, partSize: MiB / 4 };
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let fx: S3Fixture;
beforeEach(async () => {
  fx = await createS3Fixture('ranged');
});
afterEach(() => fx.cleanup());

const isRangedGet = (req: FaultRequest) => req.method === 'GET' && typeof req.headers.range === 'string';

/** Pulls into a fresh copy through a fault proxy; returns the outcome, the proxy's log and the copy's root. */
async function pullThrough(plan: FaultPlan, options: { pool?: S3PoolOptions; budgetMs?: number } = {}) {
  const proxy = await startFaultProxy(inject('s3').endpoint, plan);
  const copy = `${fx.root}-copy`;
  try {
    const store = createS3ObjectStore(fx.clientFor(proxy.endpoint, options.pool), fx.bucket, fx.key);
    const outcome = await fx.sync('pull', {
      store,
      spec: { ...spec, localRoot: copy },
      ...(options.budgetMs ? { retry: { budgetMs: options.budgetMs } } : {}),
    });
    return { outcome, log: proxy.log(), faults: proxy.faults(), copy };
  } finally {
    await proxy.close();
  }
}

/** A plan that breaks the `nth` ranged GETs (1-based, counting ranged GETs only) with `fault`; `count()` tells how many were sent. */
function breakRanged(fault: (nth: number) => Fault | undefined): FaultPlan & { count: () => number } {
  let ranged = 0;
  const plan: FaultPlan = (req) => (isRangedGet(req) ? (fault((ranged += 1)) ?? 'pass') : 'pass');
  return Object.assign(plan, { count: () => ranged });
}

describe('ranged downloads under faults', () => {
  const faults: Array<[string, (nth: number) => Fault | undefined]> = [
    ['a reset mid-part', (n) => (n === 2 || n === 5 ? { body: 'reset', after: 300_000 } : undefined)],
    [
      '500 and 503 answers',
      (n) =>
        n === 1 ? { status: 503, code: 'SlowDown' } : n === 4 ? { status: 500, code: 'InternalError' } : undefined,
    ],
    ['a short body with a matching Content-Length', (n) => (n === 3 ? { body: 'short', after: 200_000 } : undefined)],
    ['a reset before the first body byte', (n) => (n === 6 ? { body: 'reset', after: 0 } : undefined)],
  ];
  for (const [name, fault] of faults) {
    it(`completes the exact file through ${name}, resuming each broken part`, async () => {
      const data = randomBytes(6.5 * MiB);
      await fx.seed('runs/test/models/big.bin', data);
      const plan = breakRanged(fault);
      const { outcome, faults: injected, copy } = await pullThrough(plan);
      expect(injected).toBeGreaterThan(0);
      expect(outcome.summary).toMatchObject({ downloaded: 1, failures: [] });
      expect(sha(await readFile(`${copy}/models/big.bin`))).toBe(sha(data));
      expect(await readdir(`${copy}/.traindeck/tmp`)).toEqual([]);
      // 7 parts, and only the broken ones asked again.
      expect(plan.count()).toBe(7 + injected);
    });
  }

  it('a stalled body is cut by the idle timeout and resumed', async () => {
    const data = randomBytes(3 * MiB);
    await fx.seed('runs/test/models/big.bin', data);
    const {
      outcome,
      faults: injected,
      copy,
    } = await pullThrough(
      breakRanged((n) => (n === 2 ? { body: 'stall', after: 100_000 } : undefined)),
      { pool: { idleTimeoutMs: 1_000 } },
    );
    expect(injected).toBe(1);
    expect(outcome.summary).toMatchObject({ downloaded: 1, failures: [] });
    expect(sha(await readFile(`${copy}/models/big.bin`))).toBe(sha(data));
  });

  it('sends the SSE-C key on every ranged GET', async () => {
    await fx.seed('runs/test/models/big.bin', randomBytes(4 * MiB));
    const ranged: FaultRequest[] = [];
    const { outcome } = await pullThrough((req) => {
      if (isRangedGet(req)) ranged.push(req);
      return 'pass';
    });
    expect(outcome.summary?.failures).toEqual([]);
    expect(ranged.map((r) => r.headers.range).sort()).toEqual(
      [0, 1, 2, 3].map((i) => `bytes=${i * MiB}-${(i + 1) * MiB - 1}`).sort(),
    );
    for (const req of ranged) {
      expect(req.headers['x-amz-server-side-encryption-customer-algorithm']).toBe('AES256');
      expect(req.headers['x-amz-server-side-encryption-customer-key-md5']).toBe(
        createHash('md5').update(fx.keyBytes).digest('base64'),
      );
    }
  });

  it('a part that keeps failing leaves no file under its name and no temp file; the others complete', async () => {
    const big = randomBytes(5 * MiB);
    await fx.seed('runs/test/models/big.bin', big);
    await fx.seed('runs/test/models/small.bin', 'small');
    const { outcome, copy } = await pullThrough(
      (req) => (isRangedGet(req) && req.headers.range === `bytes=${3 * MiB}-${4 * MiB - 1}` ? 'reset' : 'pass'),
      { budgetMs: 1_500 },
    );
    expect(outcome.summary?.downloaded).toBe(1);
    expect(outcome.summary?.failures).toEqual([expect.objectContaining({ relPath: 'big.bin', action: 'download' })]);
    expect(await readdir(`${copy}/models`)).toEqual(['small.bin']);
    expect(await readdir(`${copy}/.traindeck/tmp`)).toEqual([]);
  });

  it('an object replaced between parts is refused, never stitched from two versions', async () => {
    await fx.seed('runs/test/models/big.bin', randomBytes(4 * MiB));
    let replaced: Promise<void> | undefined;
    const { outcome, copy } = await pullThrough((req) => {
      if (isRangedGet(req) && req.headers.range?.startsWith(`bytes=${3 * MiB}-`)) {
        // The last part is held until the object has been rewritten with other bytes.
        replaced ??= fx.seed('runs/test/models/big.bin', randomBytes(4 * MiB));
        return { hold: 'request', ms: 1_500 };
      }
      return 'pass';
    });
    expect(outcome.summary?.failures[0]?.message).toMatch(/changed in S3 while it was downloading/);
    expect(await readdir(`${copy}/models`).catch(() => [])).toEqual([]);
    expect(await readdir(`${copy}/.traindeck/tmp`)).toEqual([]);
  });
});
