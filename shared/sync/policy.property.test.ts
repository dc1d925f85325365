import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { SYNC_POLICIES } from '../run-config/schema';
import { conflictRelPath, decide, outcomeDependsOnContent, type PathState } from './policy';
import type { SyncDirection } from './types';

/**
 * Invariants of the policy function over random (local, remote, baseline) states whose
 * `same` is true exactly when the contents are equal, as the planner computes it.
 */
const contents = fc.constantFrom('a', 'b', 'c');
const mtime = fc.integer({ min: 1, max: 4 }); // small range: ties are frequent
const arbState = fc
  .record({
    local: fc.option(fc.record({ content: contents, mtimeMs: mtime }), { nil: undefined }),
    remote: fc.option(
      fc.record({
        content: contents,
        mtimeMs: fc.option(mtime, { nil: undefined }),
        etag: fc.constantFrom('e1', 'e2'),
      }),
      { nil: undefined },
    ),
    baseline: fc.option(fc.record({ etag: fc.constantFrom('e1', 'e2'), size: fc.constant(1) }), { nil: undefined }),
  })
  .map(({ local, remote, baseline }) => {
    const state: PathState = {
      ...(local ? { local: { relPath: 'f', size: 1, mtimeMs: local.mtimeMs, sha256: local.content } } : {}),
      ...(remote
        ? {
            remote: {
              key: 'p/f',
              relPath: 'f',
              size: 1,
              etag: remote.etag,
              lastModifiedMs: 100, // always "newer" than any file mtime: must never count
              sha256: remote.content,
              ...(remote.mtimeMs !== undefined ? { mtimeMs: remote.mtimeMs } : {}),
            },
          }
        : {}),
      ...(baseline ? { baseline } : {}),
      ...(local && remote ? { same: local.content === remote.content } : {}),
    };
    return state;
  });
const direction = fc.constantFrom<SyncDirection>('pull', 'push');

describe('newest-wins policy (property)', () => {
  it('never overwrites the newer copy; equal content is a no-op; a tie keeps both', () => {
    fc.assert(
      fc.property(arbState, direction, (state, dir) => {
        const { type } = decide('newest-wins', dir, state);
        const { local, remote } = state;
        if (local && remote) {
          if (state.same) expect(type).toBe('skip');
          // Overwriting S3 needs a local copy strictly newer than S3's recorded mtime.
          if (type === 'upload') expect(remote.mtimeMs !== undefined && local.mtimeMs > remote.mtimeMs).toBe(true);
          // Overwriting the local file needs an S3 copy strictly newer.
          if (type === 'download') expect(remote.mtimeMs !== undefined && remote.mtimeMs > local.mtimeMs).toBe(true);
          if (!state.same && (remote.mtimeMs === undefined || remote.mtimeMs === local.mtimeMs)) {
            expect(type).toBe('keep-both');
          }
          expect(type).not.toBe('delete-remote');
        }
        if (type === 'delete-remote') {
          expect(!local && remote && state.baseline?.etag === remote.etag && state.baseline.size === remote.size).toBe(
            true,
          );
        }
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('every policy: equal contents never move a byte, both ways', () => {
    fc.assert(
      fc.property(arbState, direction, fc.constantFrom(...SYNC_POLICIES), (state, dir, policy) => {
        if (!state.local || !state.remote || !state.same) return;
        expect(decide(policy, dir, state).type).toBe('skip');
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('asking for contents is enough: the decision without them never moves bytes it would not move with them', () => {
    fc.assert(
      fc.property(arbState, direction, fc.constantFrom(...SYNC_POLICIES), (state, dir, policy) => {
        const unknown: PathState = { ...state };
        delete unknown.same;
        if (unknown.local) unknown.local = { ...unknown.local, sha256: undefined as unknown as string };
        delete unknown.local?.sha256;
        if (outcomeDependsOnContent(policy, dir, unknown)) return; // the planner hashes first
        expect(decide(policy, dir, unknown).type).toBe(decide(policy, dir, state).type);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });
});

describe('conflict names', () => {
  it('keep folder and extension, name the tag and the hash, and never equal the original', () => {
    expect(conflictRelPath('run/epoch-3.pt', 'my host!', 'abcdef0123')).toBe(
      'run/epoch-3.conflict-my-host-abcdef01.pt',
    );
    expect(conflictRelPath('noext', 'r1', 'ff00ff00aa')).toBe('noext.conflict-r1-ff00ff00');
    expect(conflictRelPath('.hidden', 'r1', 'ff00ff00aa')).toBe('.hidden.conflict-r1-ff00ff00');
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.stringMatching(/^[0-9a-f]{64}$/), (rel, tag, sha) => {
        expect(conflictRelPath(rel, tag, sha)).not.toBe(rel);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});
