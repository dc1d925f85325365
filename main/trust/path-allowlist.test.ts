import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isInside, pathAllowlist } from './path-allowlist';

let root: string;
let allowed: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-allowlist-'));
  allowed = join(root, 'allowed');
  await mkdir(join(allowed, 'sub'), { recursive: true });
  await mkdir(join(root, 'allowed-not'), { recursive: true });
  await symlink(join(root, 'allowed-not'), join(allowed, 'out'));
  await symlink(join(allowed, 'sub'), join(root, 'in-link'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('pathAllowlist: a path is where the file system puts it', () => {
  it('takes files in the folder, new ones too, and refuses .., a sibling with the same prefix, links out and relative paths', async () => {
    const list = pathAllowlist([allowed]);
    expect(await list.resolve(join(allowed, 'sub', 'new', 'k.key'))).toBe(join(allowed, 'sub', 'new', 'k.key'));
    expect(await list.resolve(`${allowed}/sub/../k.key`)).toBe(join(allowed, 'k.key'));
    expect(await list.resolve(`${allowed}/../allowed-not/k.key`)).toBeUndefined();
    expect(await list.resolve(join(root, 'allowed-not', 'k.key'))).toBeUndefined();
    expect(await list.resolve(join(allowed, 'out', 'k.key'))).toBeUndefined();
    expect(await list.resolve('allowed/k.key')).toBeUndefined();
    expect(await list.resolve(`${allowed}/k\0.key`)).toBeUndefined();
    // A link from outside into the folder: the file is inside, so it is allowed.
    expect(await list.resolve(join(root, 'in-link', 'k.key'))).toBe(join(root, 'in-link', 'k.key'));
  });

  it('refuses a dangling symlink (writing through it would land wherever it points)', async () => {
    await symlink(join(root, 'allowed-not', 'target'), join(allowed, 'dangling'));
    expect(await pathAllowlist([allowed]).resolve(join(allowed, 'dangling'))).toBeUndefined();
  });

  it('isInside agrees with a walk of the segments, ".." and all (property)', () => {
    const segment = fc.constantFrom('a', 'b', '..', '.', 'allowed', 'x..y');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const base = `${sep}r${sep}allowed`;
        const candidate = join(base, ...segments);
        // Model: walk the segments on a stack (".." never climbs above "/"); inside when the stack still starts with r/allowed.
        const stack = ['r', 'allowed'];
        for (const s of segments) {
          if (s === '..') stack.pop();
          else if (s !== '.') stack.push(s);
        }
        expect(isInside(candidate, base)).toBe(stack[0] === 'r' && stack[1] === 'allowed');
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});
