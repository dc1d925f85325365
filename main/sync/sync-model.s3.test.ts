import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ACTIVE_CLASSES, ACTIVE_INVARIANTS } from './testing/model/active-invariants';
import { modelScenario } from './testing/model/model-steps';
import { emptyStats, SyncModel } from './testing/model/model-world';
import { s3ModelBackend } from './testing/model/s3-model-backend';
import { createS3Fixture } from './testing/s3-fixture';

/**
 * The model test of sync-model.property.test.ts against Ceph RGW, on a smaller budget: real
 * SSE-C, real ETags and multipart rules, the real S3 adapter. Parts are S3-sized here (5 MiB
 * at least), so these scenarios upload single objects; multipart is covered in memory.
 */
describe('sync engine model (Ceph RGW)', () => {
  it('holds the active data invariants over random scenarios (seed 42)', async () => {
    const stats = emptyStats();
    await fc.assert(
      fc.asyncProperty(modelScenario(10, ACTIVE_CLASSES), async (steps) => {
        const fx = await createS3Fixture('model');
        const backend = s3ModelBackend(fx);
        const sandbox = await mkdtemp(join(tmpdir(), 'td-model-s3-'));
        try {
          await new SyncModel({
            backend,
            sandbox,
            prefix: fx.spec.prefix,
            transfer: { multipartThreshold: fx.spec.multipartThreshold, partSize: fx.spec.partSize },
            invariants: ACTIVE_INVARIANTS,
            stats,
          }).run(steps);
        } finally {
          await backend.cleanup();
          await rm(sandbox, { recursive: true, force: true });
        }
      }),
      { seed: 42, numRuns: 8 },
    );
    console.log(`model test on Ceph RGW: ${JSON.stringify(stats)}`);
    expect(stats.syncs.done).toBeGreaterThan(8);
    expect(Math.min(stats.uploaded, stats.downloaded)).toBeGreaterThan(0);
  });
});
