import { describe, it } from 'vitest';

import { type ModelStep, MTIME_BASE } from './testing/model/model-steps';
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
const DATASETS = 0;
const LOGS = 1;
const MODELS = 2;
const CHECKPOINTS = 3;
const remote = (folder: number, suffix: string, content = 'bytes'): ModelStep => ({
  t: 'remote-write',
  folder,
  suffix,
  content,
  mtime: T,
  by: 'traindeck',
});
const local = (folder: number, path: string[], content = 'bytes'): ModelStep => ({
  t: 'local-write',
  folder,
  path,
  content,
  mtime: T,
});

describe('sync model regressions', () => {
  it('class 1: a key with ".." is never written outside its folder (outside-root)', async () => {
    await runModel([remote(DATASETS, '../a'), { t: 'round-trip' }]);
  });

  it('class 1: a key with a "." segment is neither pulled onto another path nor deleted (local-provenance, safe-delete)', async () => {
    await runModel([remote(LOGS, 'a/../a'), { t: 'round-trip' }]);
  });

  it('class 1: keys differing by "//" do not share a file, and push deletes neither (safe-delete)', async () => {
    await runModel([remote(LOGS, 'a//b', 'one'), remote(LOGS, 'a/b', 'two'), { t: 'round-trip' }]);
  });

  it('class 1: a key with a control character is not written (local-provenance)', async () => {
    await runModel([remote(DATASETS, 'bell\u0007'), sync('pull')]);
  });

  it('class 1: a 255-byte name pushed can be pulled again (no-spurious-failure)', async () => {
    await runModel([local(MODELS, ['n'.repeat(255)]), sync('push'), { t: 'local-delete', pick: 0 }, sync('pull')]);
  });

  it('class 2: a user file named like a temp file survives a dry run (user-files-kept)', async () => {
    await runModel([local(MODELS, ['ckpt.traindeck-partial-1a2b']), { ...sync('push'), dryRun: true } as ModelStep]);
  });

  it('class 2: a pull killed mid-download leaves no temp file among the user files (local-provenance)', async () => {
    await runModel([
      remote(DATASETS, 'a', 'y'.repeat(70)),
      { ...sync('pull'), fault: { kind: 'crash', at: 6, mode: 'before' } } as ModelStep,
      sync('pull'),
    ]);
  });

  it('class 3: a file rewritten while it uploads in parts never leaves a mixed object (complete-version)', async () => {
    // Rewritten right after each store call in turn: before, between and after its parts.
    for (let at = 1; at <= 14; at += 1) {
      await runModel([
        local(MODELS, ['big'], 'x'.repeat(100)),
        { ...sync('push'), fault: { kind: 'edit', at, content: 'y'.repeat(100), mtime: T + 1000 } } as ModelStep,
        sync('push'),
      ]);
    }
  });

  it('class 4: a push killed mid-multipart leaves no orphan upload after the next push (no-orphan-upload)', async () => {
    // Killed at each store call in turn: before, between and after its parts.
    for (let at = 1; at <= 14; at += 1) {
      await runModel([
        local(MODELS, ['big'], 'x'.repeat(75)),
        { ...sync('push'), fault: { kind: 'crash', at, mode: 'before' } } as ModelStep,
        sync('push'),
      ]);
    }
  });

  it("class 5: a push with another key than the prefix's writes nothing (wrong-key-writes-nothing)", async () => {
    await runModel([
      local(LOGS, ['a'], 'v1'),
      sync('push'),
      { t: 'key-change', key: 1 },
      local(LOGS, ['b'], 'v2'),
      sync('push'),
    ]);
  });

  it('class 12: after a folder moves locally, push deletes nothing whose file is still at the old path (safe-delete)', async () => {
    await runModel([
      local(MODELS, ['a'], 'v1'),
      sync('push'),
      { t: 'mapping-change', folder: MODELS, side: 'local', variant: 1 },
      local(MODELS, ['b'], 'v2'),
      sync('push'),
    ]);
  });

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

  it('class 8: an object awscli wrote in logs/ is not uploaded again after a pull (no-idle-transfer, round-trip-idle)', async () => {
    // Hashed on its first download; the pull that finds it unchanged keeps that hash in the baseline.
    await runModel([
      { t: 'remote-write', folder: LOGS, suffix: 'a', content: 'v1', mtime: T, by: 'awscli' },
      { t: 'round-trip' },
      { t: 'round-trip' },
    ]);
  });

  it('class 8: one object stored without SSE-C is not taken for another key (no-spurious-failure)', async () => {
    await runModel([
      { t: 'remote-write', folder: DATASETS, suffix: 'a', content: 'x'.repeat(100), mtime: T, by: 'no-sse-c' },
      { t: 'round-trip' },
    ]);
  });

  it('model: a prefix whose only object was deleted behind the engine takes the next key (wrong-key-writes-nothing)', async () => {
    // Found with class 8 on: the model kept the deleted object's key as the prefix's.
    await runModel([
      remote(DATASETS, 'a', ''),
      { t: 'remote-delete', pick: 0 },
      { t: 'key-change', key: 1 },
      { ...sync('push'), fault: { kind: 'crash', at: 4, mode: 'before' } } as ModelStep,
    ]);
  });

  it('model: a push may replace an object without a TrainDeck hash it never read, though the bytes were equal (no-idle-transfer)', async () => {
    // Found with class 8 on. Uploading costs no more than reading the object to hash it, and gives it a hash.
    await runModel([
      local(LOGS, ['a'], 'same'),
      { t: 'remote-write', folder: LOGS, suffix: 'a', content: 'same', mtime: T, by: 'awscli' },
      { ...sync('push'), fault: { kind: 'fail', at: 4 } } as ModelStep,
      sync('pull'),
    ]);
  });

  it('class 8: the metadata write-back of a pulled awscli object keeps its bytes (complete-version)', async () => {
    // Found once the write-back landed: a copy onto itself is not a new version of the file.
    await runModel([
      { t: 'remote-write', folder: LOGS, suffix: 'a', content: '', mtime: T, by: 'awscli' },
      { ...sync('pull'), fault: { kind: 'edit', at: 1, content: '', mtime: T } } as ModelStep,
      { t: 'key-change', key: 0 },
    ]);
  });
});
