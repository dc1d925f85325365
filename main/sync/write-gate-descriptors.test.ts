import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeInside } from './inside-root';
import { landWholeFile } from './land-whole-file';

// Invariant: the write gate's walk (`writeInside`) and a small file's landing (`landWholeFile`) hold raw
// descriptors (each folder of the path, the temp file), not FileHandles that the garbage collector would
// close. Whatever happens — the file lands, its temp name is already taken ('wx' refuses it), a folder of
// the path is a symbolic link (refused) — every descriptor they opened is closed when they return.
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-gate-fds-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const openDescriptors = async () => (await readdir('/proc/self/fd')).length;

describe.skipIf(process.platform !== 'linux')('write gate descriptors (Linux only: /proc/self/fd counts them)', () => {
  it('a landing closes every descriptor it opened, whether it lands, finds its temp name taken or meets a linked folder', async () => {
    const data = join(root, 'data');
    const temps = join(root, 'tmp');
    await mkdir(data, { recursive: true });
    await mkdir(temps, { recursive: true });
    await symlink(root, join(data, 'linked'));
    const before = await openDescriptors();
    for (let i = 0; i < 30; i += 1) {
      const kind = (['lands', 'temp taken', 'linked folder'] as const)[i % 3]!;
      const temp = join(temps, `t${i}.partial`);
      if (kind === 'temp taken') await writeFile(temp, 'taken');
      const rel = kind === 'linked folder' ? `linked/f${i}` : `sub${i % 4}/deeper/f${i}`;
      const bytes = Buffer.alloc(100 + i, i);
      const landed = await writeInside(data, rel, (target) => landWholeFile(temp, bytes, 1.7e12, target)).then(
        () => true,
        () => false,
      );
      expect(landed, `${kind} #${i}`).toBe(kind === 'lands');
      if (landed) expect((await readFile(join(data, rel))).equals(bytes)).toBe(true);
    }
    expect(await openDescriptors()).toBe(before);
  });
});
