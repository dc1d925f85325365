import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_SYNC_FOLDERS } from '../../shared/run-config/schema';
import type { SyncEvent } from '../../shared/sync/events';
import { type ObjectStore, StoreError } from '../aws/ports/object-store';
import { runSync } from './engine';
import { SYNC_DEFAULTS, type SyncSpec } from './sync-spec';

const FILES = 12;
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'traindeck-engine-'));
  mkdirSync(join(root, 'models'));
  for (let i = 0; i < FILES; i++) writeFileSync(join(root, 'models', `m${i}.bin`), `model ${i}`);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

// Just enough of S3 for a push into an empty prefix: every PUT takes a few milliseconds.
const store = {
  bucket: 'b',
  keyFingerprint: 'sha256:0000000000000000',
  checkBucket: async () => ({ versioning: 'never', sseCBlocked: false }),
  list: async () => [],
  head: async () => {
    throw new StoreError('not-found', 'NotFound');
  },
  put: async () => {
    await new Promise((resolve) => setTimeout(resolve, 3));
    return '"etag"';
  },
} as unknown as ObjectStore;

async function push(progressIntervalMs?: number): Promise<SyncEvent[]> {
  const spec: SyncSpec = {
    bucket: 'b',
    prefix: 'runs/test',
    localRoot: root,
    folders: DEFAULT_SYNC_FOLDERS,
    ...SYNC_DEFAULTS,
    concurrency: 1,
  };
  const events: SyncEvent[] = [];
  const { summary } = await runSync('push', {
    spec,
    store,
    region: 'us-east-1',
    onEvent: (e) => events.push(e),
    ...(progressIntervalMs !== undefined ? { progressIntervalMs } : {}),
  });
  expect(summary).toMatchObject({ uploaded: FILES, failures: [] });
  return events.filter((e) => e.type === 'progress');
}

describe('runSync progress', () => {
  it('sends progress as often as the caller asks: the first, at most one per interval, and the exact last', async () => {
    const unthrottled = await push(0);
    // One per chunk of bytes and one per finished file, plus the last.
    expect(unthrottled.length).toBe(2 * FILES + 1);
    rmSync(join(root, '.traindeck'), { recursive: true, force: true });
    const throttled = await push(60_000);
    expect(throttled).toHaveLength(2);
    expect(throttled[1]).toMatchObject({
      progress: {
        filesDone: FILES,
        filesTotal: FILES,
        folders: { models: { filesDone: FILES, filesTotal: FILES, bytesPerSecond: expect.any(Number) } },
      },
    });
  });
});
