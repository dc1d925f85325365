import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ACTIVE_INVARIANTS } from './active-invariants';
import { memoryBackend } from './model-backend';
import type { InvariantName } from './model-invariants';
import type { ModelStep } from './model-steps';
import { type ModelStats, SyncModel } from './model-world';

/** Runs one scenario against the in-memory S3 in a fresh temp folder (removed afterwards). */
export async function runModel(
  steps: readonly ModelStep[],
  options: { invariants?: ReadonlySet<InvariantName>; stats?: ModelStats; log?: (line: string) => void } = {},
): Promise<void> {
  const sandbox = await mkdtemp(join(tmpdir(), 'td-model-'));
  try {
    await new SyncModel({
      backend: memoryBackend(),
      sandbox,
      invariants: options.invariants ?? ACTIVE_INVARIANTS,
      ...(options.stats ? { stats: options.stats } : {}),
      ...(options.log ? { log: options.log } : {}),
    }).run(steps);
  } finally {
    await rm(sandbox, { recursive: true, force: true });
  }
}
