import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_SYNC_FOLDERS } from '../../shared/run-config/schema';
import { mapObjectKey } from '../../shared/sync/key-path';
import type { ListedObject, ObjectStore } from '../aws/ports/object-store';
import { createLimiter } from './limiter';
import { planSync } from './planner';
import { SYNC_DEFAULTS, type SyncSpec } from './sync-spec';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-planner-names-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A bucket that can only be listed: planning a pull into an empty folder needs nothing else. */
function listingOnly(objects: ListedObject[]): ObjectStore {
  const refuse = () => Promise.reject(new Error('planning must only list'));
  return {
    bucket: 'b',
    keyFingerprint: 'f',
    checkBucket: refuse,
    list: async (prefix: string) => objects.filter((o) => o.key.startsWith(prefix)),
    head: refuse,
    tags: refuse,
    put: refuse,
    createMultipart: refuse,
    uploadPart: refuse,
    completeMultipart: refuse,
    abortMultipart: refuse,
    get: refuse,
    deleteMany: refuse,
  } as unknown as ObjectStore;
}

const segment = fc.oneof(
  fc.constantFrom('..', '.', '', 'a', 'b', '%2e', '+', '#', ' ', '\u00e9', 'e\u0301', '\\', '\u0000', '\n'),
  fc.integer({ min: 250, max: 260 }).map((n) => 'x'.repeat(n)),
);
const objectKey = fc
  .tuple(
    fc.constantFrom('models', 'cached-datasets', 'logs'),
    fc.array(segment, { minLength: 0, maxLength: 4 }),
    fc.boolean(),
    fc.nat(3),
  )
  .map(([folder, parts, marker, size]) => ({
    key: `p/${folder}/${parts.join('/')}${marker ? '/' : ''}`,
    size,
    etag: '"e"',
    lastModifiedMs: 0,
  }));

describe('planning names both sides through the key↔path mapping', () => {
  it('every listed key is planned under its own path, reported as rejected, or an empty marker', async () => {
    const spec: SyncSpec = {
      bucket: 'b',
      prefix: 'p',
      localRoot: root,
      folders: DEFAULT_SYNC_FOLDERS,
      ...SYNC_DEFAULTS,
    };
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(objectKey, { selector: (o) => o.key, maxLength: 25 }), async (objects) => {
        const plan = await planSync('pull', {
          store: listingOnly(objects),
          spec,
          state: { version: 1, folders: {}, hashes: {} },
          limit: createLimiter(4),
        });
        const planned = new Map(plan.folders.flatMap((f) => f.actions.map((a) => [a.key, a] as const)));
        const rejected = new Set(plan.folders.flatMap((f) => f.failures.map((x) => `${f.remotePrefix}${x.relPath}`)));
        const paths = new Set<string>();
        for (const object of objects) {
          const folder = plan.folders.find((f) => object.key.startsWith(f.remotePrefix))!;
          const mapped = mapObjectKey(object.key.slice(folder.remotePrefix.length), object.size);
          if (mapped.kind === 'marker') {
            expect(planned.has(object.key) || rejected.has(object.key)).toBe(false);
          } else if (mapped.kind === 'rejected') {
            expect(rejected.has(object.key)).toBe(true);
            expect(planned.has(object.key)).toBe(false);
          } else {
            const action = planned.get(object.key)!;
            expect(action).toMatchObject({ type: 'download', relPath: mapped.relPath });
            const path = `${folder.folder}/${action.relPath}`;
            expect(paths.has(path)).toBe(false); // injective: one object per local path
            paths.add(path);
          }
        }
        for (const f of plan.folders) {
          for (const failure of f.failures) expect(failure).toMatchObject({ action: 'reject', folder: f.folder });
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
