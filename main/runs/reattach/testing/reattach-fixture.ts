import { appendFileSync, writeFileSync } from 'node:fs';

import type { RunEvent } from '../../../../shared/domain/run';
import type { ExecutorStatus } from '../../../../shared/executor/protocol';
import { silentLogger } from '../../../core/logger';
import type { workLayout } from '../../../executor/work-layout';
import { createLocalConnector } from '../../../host/local-host';
import { MemoryBucket, MemoryObjectStore } from '../../../sync/testing/memory-object-store';
import type { RunObserver } from '../../pipeline/run-observer';
import { RunService } from '../../run-service';

/**
 * A run service that can only reattach (a new run is refused): the machine is this computer, the
 * store an empty in-memory bucket, the teardown a no-op that reports $0/h.
 */
export function reattachingService(
  dataDir: string,
  observer?: RunObserver,
  emit: (event: RunEvent) => void = () => {},
): RunService {
  return new RunService({
    dataDir,
    emit,
    now: Date.now,
    log: silentLogger,
    pollMs: 50,
    ...(observer ? { observer } : {}),
    resources: () => Promise.reject(new Error('not a new run')),
    reattach: {
      resources: async () => ({
        connector: createLocalConnector(),
        secrets: { sseKey: 'AAAA' },
        store: new MemoryObjectStore(new MemoryBucket('td-data'), 'fp'),
        release: async () => ({ remainingHourlyUsd: 0 }),
      }),
      release: async () => ({}),
    },
  });
}

/**
 * The executor of `runId` ends: its `done` line and a status with nothing pushed, by default a training
 * that ended well (`ending` changes it: a spot interruption).
 */
export function finishExecutor(
  layout: ReturnType<typeof workLayout>,
  runId: string,
  seq: number,
  ending: Partial<ExecutorStatus> = {},
): void {
  appendFileSync(layout.eventsFile, JSON.stringify({ seq, at: '', phase: 'done', status: 'succeeded' }) + '\n');
  const status: ExecutorStatus = {
    runId,
    outcome: 'succeeded',
    exitCode: 0,
    timings: {},
    pushed: true,
    manifest: [],
    prefixes: [],
    finishedAt: '2026-12-06T03:10:00.000Z',
    ...ending,
  };
  writeFileSync(layout.statusFile, JSON.stringify(status));
}
