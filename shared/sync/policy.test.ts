import { describe, expect, it } from 'vitest';

import type { SyncPolicy } from '../run-config/schema';
import { decide, outcomeDependsOnContent, type PathState } from './policy';
import type { LocalFile, RemoteObject } from './types';

const local = (over: Partial<LocalFile> = {}): LocalFile => ({ relPath: 'f', size: 10, mtimeMs: 1_000, ...over });
const remote = (over: Partial<RemoteObject> = {}): RemoteObject => ({
  key: 'p/f',
  relPath: 'f',
  size: 10,
  etag: '"e1"',
  lastModifiedMs: 5_000,
  ...over,
});
const d = (policy: SyncPolicy, direction: 'pull' | 'push', state: PathState) => decide(policy, direction, state).type;

describe('sync policy', () => {
  it('pull-only: pull replaces differing files, fetches missing ones; push never writes', () => {
    expect(d('pull-only', 'pull', { remote: remote() })).toBe('download');
    expect(d('pull-only', 'pull', { local: local(), remote: remote(), same: false })).toBe('download');
    expect(d('pull-only', 'pull', { local: local(), remote: remote(), same: true })).toBe('skip');
    expect(d('pull-only', 'pull', { local: local() })).toBe('skip');
    expect(d('pull-only', 'push', { local: local() })).toBe('skip');
    expect(d('pull-only', 'push', { remote: remote(), baseline: { size: 10, etag: '"e1"' } })).toBe('skip');
  });

  it('local-wins: push overwrites, pull only fills gaps', () => {
    expect(d('local-wins', 'push', { local: local(), remote: remote(), same: false })).toBe('upload');
    expect(d('local-wins', 'push', { local: local() })).toBe('upload');
    expect(d('local-wins', 'push', { local: local(), remote: remote(), same: true })).toBe('skip');
    expect(d('local-wins', 'pull', { local: local(), remote: remote(), same: false })).toBe('skip');
    expect(d('local-wins', 'pull', { remote: remote() })).toBe('download');
  });

  it('newest-wins: compares the recorded file mtime, never the S3 time', () => {
    const newerRemote = remote({ mtimeMs: 2_000 });
    const olderRemote = remote({ mtimeMs: 500 });
    expect(d('newest-wins', 'pull', { local: local(), remote: newerRemote, same: false })).toBe('download');
    expect(d('newest-wins', 'pull', { local: local(), remote: olderRemote, same: false })).toBe('skip');
    expect(d('newest-wins', 'push', { local: local(), remote: olderRemote, same: false })).toBe('upload');
    expect(d('newest-wins', 'push', { local: local(), remote: newerRemote, same: false })).toBe('skip');
    // No recorded mtime: which copy is newer is unknown (LastModified is upload time), so keep both.
    expect(d('newest-wins', 'push', { local: local(), remote: remote(), same: false })).toBe('keep-both');
    expect(d('newest-wins', 'pull', { local: local(), remote: remote(), same: false })).toBe('keep-both');
    // A tie with different contents keeps both, both ways; with equal contents nothing moves.
    const tie = { local: local({ mtimeMs: 2_000 }), remote: remote({ mtimeMs: 2_000 }) };
    expect(d('newest-wins', 'push', { ...tie, same: false })).toBe('keep-both');
    expect(d('newest-wins', 'pull', { ...tie, same: false })).toBe('keep-both');
    expect(d('newest-wins', 'push', { ...tie, same: true })).toBe('skip');
    expect(
      d('newest-wins', 'push', { local: local({ sha256: 'a' }), remote: remote({ mtimeMs: 500, sha256: 'a' }) }),
    ).toBe('skip');
  });

  it('deletes only what the baseline saw, unchanged in S3, and gone locally', () => {
    const seen = { size: 10, etag: '"e1"' };
    expect(d('local-wins', 'push', { remote: remote(), baseline: seen })).toBe('delete-remote');
    expect(d('newest-wins', 'push', { remote: remote(), baseline: seen })).toBe('delete-remote');
    expect(d('local-wins', 'push', { remote: remote() })).toBe('skip');
    expect(d('local-wins', 'push', { remote: remote({ etag: '"e2"' }), baseline: seen })).toBe('skip');
    expect(d('local-wins', 'push', { remote: remote({ size: 11 }), baseline: seen })).toBe('skip');
    expect(d('local-wins', 'pull', { remote: remote(), baseline: seen })).toBe('download');
  });

  it('asks for a content comparison only where the answer changes the action', () => {
    expect(outcomeDependsOnContent('local-wins', 'push', { local: local(), remote: remote() })).toBe(true);
    expect(outcomeDependsOnContent('local-wins', 'pull', { local: local(), remote: remote() })).toBe(false); // skip either way
    expect(outcomeDependsOnContent('local-wins', 'push', { local: local({ size: 9 }), remote: remote() })).toBe(false); // sizes differ
    expect(outcomeDependsOnContent('pull-only', 'push', { local: local(), remote: remote() })).toBe(false);
    expect(outcomeDependsOnContent('newest-wins', 'push', { local: local(), remote: remote({ mtimeMs: 500 }) })).toBe(
      true,
    );
    expect(outcomeDependsOnContent('newest-wins', 'push', { local: local(), remote: remote({ mtimeMs: 2_000 }) })).toBe(
      false,
    ); // remote newer: skip either way
  });
});
