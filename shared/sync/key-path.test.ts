import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  foldFor,
  foldTwins,
  KEY_MAX_BYTES,
  keyForLocalPath,
  mapObjectKey,
  NAME_MAX_BYTES,
  pathProblem,
  utf8Bytes,
} from './key-path';

/** POSIX path resolution of `rel` below `root`, as the kernel would walk it ("." stays, ".." goes up). */
function resolveBelow(root: string, rel: string): string {
  const parts = root.split('/').filter(Boolean);
  for (const part of rel.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  return '/' + parts.join('/');
}

const PREFIX = 'runs/p/models/';
const ROOT = '/data/models';

/** Path components an adversary would pick: traversal, empties, encodings, controls, lengths at the limit. */
const component = fc.oneof(
  fc.constantFrom('..', '.', '', '...', '.traindeck', '%2e%2e', '%2F', '+', '#', ' ', ' a ', 'a b', '~', '-'),
  fc.constantFrom('\u00e9', 'e\u0301', 'A', 'a', 'ß', 'SS', '😀', '\ud800', 'x\udc00y', '\u2028', '\ufeff'),
  fc.constantFrom('\\', 'a\\..', '\u0000', 'a\nb', '\t', '\u001b[2J', '\u007f', '\u0085', '\r'),
  fc.integer({ min: 200, max: 258 }).map((n) => 'x'.repeat(n)),
  // Multi-byte characters straddling the 255-byte limit.
  fc.integer({ min: 100, max: 130 }).map((n) => '\u00e9'.repeat(n)),
  fc.integer({ min: 60, max: 66 }).map((n) => '😀'.repeat(n)),
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.stringMatching(/^[a-z0-9._-]{1,12}$/),
);
const relKey = fc
  .tuple(fc.array(component, { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([parts, marker]) => parts.join('/') + (marker ? '/' : ''));
const size = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1e9 }));
const RUNS = { seed: 42, numRuns: 3000 };

describe('key↔path mapping', () => {
  it('an accepted key is a path strictly inside the folder, whose key round-trips', () => {
    fc.assert(
      fc.property(relKey, size, (key, bytes) => {
        const mapped = mapObjectKey(key, bytes);
        if (mapped.kind !== 'file') return;
        const absolute = resolveBelow(ROOT, mapped.relPath);
        // Equality means no ".", "..", or empty segment was resolved away.
        expect(absolute).toBe(`${ROOT}/${mapped.relPath}`);
        expect(absolute.startsWith(`${ROOT}/`)).toBe(true);
        for (const part of mapped.relPath.split('/')) expect(utf8Bytes(part)).toBeLessThanOrEqual(NAME_MAX_BYTES);
        // eslint-disable-next-line no-control-regex -- control characters are what must not pass
        expect(mapped.relPath).not.toMatch(/[\u0000-\u001f\u007f-\u009f\\]/);
        const back = keyForLocalPath(PREFIX, mapped.relPath);
        if (utf8Bytes(PREFIX + key) <= KEY_MAX_BYTES) expect(back).toEqual({ ok: true, key: PREFIX + key });
        else expect(back.ok).toBe(false);
      }),
      RUNS,
    );
  });

  it('every key gets a verdict, and a rejected one says why', () => {
    fc.assert(
      fc.property(relKey, size, (key, bytes) => {
        const mapped = mapObjectKey(key, bytes);
        if (mapped.kind === 'rejected') expect(mapped.reason.length).toBeGreaterThan(5);
        if (mapped.kind === 'marker') {
          expect(key === '' || key.endsWith('/')).toBe(true);
          expect(bytes).toBe(0);
        }
      }),
      RUNS,
    );
  });

  it('is injective: two different accepted keys never share a path, on Linux or after folding twins away', () => {
    fc.assert(
      fc.property(fc.uniqueArray(relKey, { maxLength: 30 }), (keys) => {
        const paths = keys.map((k) => mapObjectKey(k, 1)).flatMap((m) => (m.kind === 'file' ? [m.relPath] : []));
        expect(new Set(paths).size).toBe(paths.length);
        for (const platform of ['linux', 'darwin', 'win32']) {
          const fold = foldFor(platform);
          const twins = foldTwins(paths, fold);
          const kept = paths.filter((p) => !twins.has(p));
          expect(new Set(kept.map(fold)).size).toBe(kept.length);
        }
      }),
      RUNS,
    );
  });

  it('a local name is accepted exactly when the same string is accepted as a key', () => {
    fc.assert(
      fc.property(relKey, (name) => {
        // Local names never end in "/" (that is a marker), and S3 caps the whole key.
        fc.pre(!name.endsWith('/') && utf8Bytes(name) <= KEY_MAX_BYTES);
        const asKey = mapObjectKey(name, 1);
        const asName = keyForLocalPath('', name);
        expect(asName.ok).toBe(asKey.kind === 'file');
      }),
      RUNS,
    );
  });
});

describe('key↔path mapping, named cases', () => {
  it.each([
    ['../../../x', /".." path segment/],
    ['cached-datasets/../models/x', /".." path segment/],
    ['a//b', /empty path segment/],
    ['/a', /empty path segment/],
    ['./a', /"\." path segment/],
    ['a\\b', /backslash/],
    ['a\u0000b', /control character/],
    ['a\nb', /control character/],
    ['\ud800', /not valid Unicode/],
    ['.traindeck/sync-state.json', /reserved/],
    ['x'.repeat(256), /256 bytes long/],
    ['\u00e9'.repeat(128), /256 bytes long/],
  ])('rejects %j', (key, reason) => {
    const mapped = mapObjectKey(key, 10);
    expect(mapped.kind).toBe('rejected');
    expect(mapped.kind === 'rejected' && mapped.reason).toMatch(reason);
  });

  it.each(['a b/c%2e%2e+#.bin', 'x'.repeat(255), '\u00e9'.repeat(127), 'e\u0301', 'sub/.hidden', '...'])(
    'accepts %j as itself',
    (key) => {
      expect(mapObjectKey(key, 10)).toEqual({ kind: 'file', relPath: key });
    },
  );

  it('ignores empty folder markers and rejects markers holding data', () => {
    expect(mapObjectKey('dir/', 0)).toEqual({ kind: 'marker' });
    expect(mapObjectKey('', 0)).toEqual({ kind: 'marker' });
    expect(mapObjectKey('dir/', 5)).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/5 bytes/) });
    expect(mapObjectKey('', 5)).toMatchObject({ kind: 'rejected' });
    expect(mapObjectKey('../', 0)).toMatchObject({ kind: 'rejected' });
  });

  it('keeps NFC and NFD twins apart on Linux and rejects both where the file system folds them', () => {
    const twins = ['caf\u00e9.txt', 'cafe\u0301.txt'];
    expect(foldTwins(twins, foldFor('linux')).size).toBe(0);
    expect([...foldTwins(twins, foldFor('darwin')).keys()].sort()).toEqual([...twins].sort());
    expect(foldTwins(['A.txt', 'a.txt'], foldFor('win32')).size).toBe(2);
  });

  it('refuses a local name whose key would exceed 1,024 bytes', () => {
    const deep = Array.from({ length: 5 }, () => 'y'.repeat(250)).join('/');
    expect(pathProblem(deep)).toBeUndefined();
    expect(keyForLocalPath(PREFIX, deep)).toMatchObject({ ok: false, reason: expect.stringMatching(/1024/) });
  });
});
