import { describe, it } from 'vitest';
import { MTIME_BASE, type ModelStep } from './testing/model/model-steps';
import { runModel } from './testing/model/run-model';

/**
 * Counterexamples the model test found (shrunk by fast-check), kept as named scenarios. Each
 * failed on the code it was found on; every invariant is checked after every sync, as in the
 * property test.
 */
const T = MTIME_BASE;
const sync = (direction: 'pull' | 'push'): ModelStep => ({
  t: 'sync',
  direction,
  fault: { kind: 'none' },
  concurrency: 1,
  dryRun: false,
});
const CHECKPOINTS = 3;

describe('sync model regressions', () => {
  it('class 6: a pushed checkpoint is not uploaded again by the next pull and push (no-idle-transfer)', async () => {
    await runModel([
      { t: 'local-write', folder: CHECKPOINTS, path: ['a'], content: 'v1', mtime: T },
      { t: 'round-trip' },
    ]);
  });

  it('class 6: an equal-mtime checkpoint with other content keeps both copies (newest-wins)', async () => {
    await runModel([
      { t: 'remote-write', folder: CHECKPOINTS, suffix: 'a', content: 'in S3', mtime: T, by: 'traindeck' },
      { t: 'local-write', folder: CHECKPOINTS, path: ['a'], content: 'local', mtime: T },
      sync('push'),
      sync('pull'),
      { t: 'round-trip' },
    ]);
  });
});
