import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { storageSchema } from '../../shared/run-config/schema';
import { partSizeFor, SYNC_DEFAULTS, type SyncSpec, syncSpecFrom } from './sync-spec';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

const spec: SyncSpec = { bucket: 'b', prefix: 'p', localRoot: '/data', folders: [], ...SYNC_DEFAULTS };

/** The upload's plan as upload.ts makes it: one PUT, or parts of `partSizeFor` bytes (the last one shorter). */
function uploadPlan(size: number): { single: true } | { single: false; partSize: number; parts: number; last: number } {
  if (size < (spec.uploadMultipartThreshold ?? spec.multipartThreshold)) return { single: true };
  const partSize = partSizeFor(size, spec);
  const parts = Math.ceil(size / partSize);
  return { single: false, partSize, parts, last: size - (parts - 1) * partSize };
}

describe('upload plans with the default spec', () => {
  it('cover the file exactly, within S3 limits: ≤ 10,000 parts of 5 MiB to 5 GiB, only the last one shorter', () => {
    // Up to S3's largest object (5 TiB), with the edges where the part size starts to grow.
    const sizes = fc.oneof(
      fc.integer({ min: 0, max: 256 * MiB }),
      fc.integer({ min: 0, max: 5 * TiB }),
      fc.integer({ min: 10_000 * 8 * MiB - 3, max: 10_000 * 8 * MiB + 3 }),
      fc.constantFrom(64 * MiB - 1, 64 * MiB, 5 * TiB),
    );
    fc.assert(
      fc.property(sizes, (size) => {
        const plan = uploadPlan(size);
        if (plan.single) {
          expect(size).toBeLessThan(64 * MiB);
          return;
        }
        expect(plan.parts).toBeLessThanOrEqual(10_000);
        expect(plan.partSize).toBeGreaterThanOrEqual(5 * MiB);
        expect(plan.partSize).toBeLessThanOrEqual(5 * GiB);
        expect(plan.last).toBeGreaterThan(0);
        expect(plan.last).toBeLessThanOrEqual(plan.partSize);
        expect((plan.parts - 1) * plan.partSize + plan.last).toBe(size);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('a 50 MiB file goes up as one PUT, a 64 MiB one in 8 MiB parts; downloads still range from 16 MiB', () => {
    expect(uploadPlan(50 * MiB)).toEqual({ single: true });
    expect(uploadPlan(64 * MiB)).toEqual({ single: false, partSize: 8 * MiB, parts: 8, last: 8 * MiB });
    const fromConfig = syncSpecFrom(storageSchema.parse({ bucket: 'bucket', sseKeyFile: 'sse.key' }), '/base');
    expect(fromConfig).toMatchObject({ multipartThreshold: 16 * MiB, uploadMultipartThreshold: 64 * MiB });
  });
});
