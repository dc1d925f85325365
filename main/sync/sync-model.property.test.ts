import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ACTIVE_CLASSES } from './testing/model/active-invariants';
import { ALL_CLASSES, modelScenario } from './testing/model/model-steps';
import { emptyStats } from './testing/model/model-world';
import { runModel } from './testing/model/run-model';

/**
 * The sync engine against a model of what it must never do (ARCHITECTURE.md, "The promises,
 * as invariants"): random trees of adversarial names on both sides, random pulls, pushes,
 * edits, deletes, crashes at any S3 call, key and mapping changes, on a real temp folder and
 * the in-memory S3. `npm test` runs a fixed seed and a small budget; `npm run test:fuzz` runs
 * TRAINDECK_FUZZ_RUNS scenarios (500 by default; seed TRAINDECK_FUZZ_SEED, random when unset, and printed).
 */
const fuzz = process.env.npm_lifecycle_event === 'test:fuzz' || process.env.TRAINDECK_FUZZ_RUNS !== undefined;
const numRuns = Number(process.env.TRAINDECK_FUZZ_RUNS ?? (fuzz ? 500 : 40));
const seed = process.env.TRAINDECK_FUZZ_SEED ? Number(process.env.TRAINDECK_FUZZ_SEED) : fuzz ? Date.now() : 42;
const maxSteps = fuzz ? 40 : 16;
const classes = process.env.TRAINDECK_FUZZ_CLASSES === 'all' ? ALL_CLASSES : ACTIVE_CLASSES;

describe('sync engine model (in-memory S3)', () => {
  it(
    `holds every data invariant over ${numRuns} random scenarios (seed ${seed})`,
    async () => {
      const stats = emptyStats();
      await fc.assert(
        fc.asyncProperty(modelScenario(maxSteps, classes), (steps) => runModel(steps, { stats })),
        { seed, numRuns },
      );
      // The scenarios must really exercise the engine: completed syncs, transfers both ways, deletes, multipart.
      console.log(`model test: seed ${seed}, ${numRuns} scenarios, ${JSON.stringify({ classes, ...stats })}`);
      expect(stats.syncs.done).toBeGreaterThan(numRuns);
      if (classes.crashesInPull || classes.crashesInPush) expect(stats.syncs.crashed).toBeGreaterThan(0);
      expect(Math.min(stats.uploaded, stats.downloaded, stats.deleted, stats.multipartUploads)).toBeGreaterThan(0);
    },
    fuzz ? 3_600_000 : 55_000,
  );
});
