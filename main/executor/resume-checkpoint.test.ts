import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { newestCheckpointFile, resumeEnv } from './resume-checkpoint';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function folder(files: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'resume-'));
  dirs.push(dir);
  for (const [name, mtime] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), name);
    utimesSync(join(dir, name), mtime, mtime);
  }
  return dir;
}

describe('the checkpoint a relaunch resumes from', () => {
  it('is the newest file by mtime, in subfolders too; hidden files and symlinks are not checkpoints', async () => {
    const dir = folder({ 'epoch-001.ckpt': 100, 'run/epoch-002.ckpt': 200, '.epoch-003.ckpt.tmp': 300 });
    symlinkSync('/etc/hostname', join(dir, 'zz-link'));
    expect(await newestCheckpointFile(dir)).toBe(join(dir, 'run/epoch-002.ckpt'));
  });

  it('breaks a tie by path, and is undefined for an empty or missing folder', async () => {
    const dir = folder({ 'a.ckpt': 100, 'b.ckpt': 100 });
    expect(await newestCheckpointFile(dir)).toBe(join(dir, 'b.ckpt'));
    expect(await newestCheckpointFile(folder({}))).toBeUndefined();
    expect(await newestCheckpointFile(join(dir, 'missing'))).toBeUndefined();
  });

  it('TRAINDECK_RESUME_FROM from the second attempt on, TRAINDECK_ATTEMPT always', async () => {
    const dir = folder({ 'epoch-001.ckpt': 100 });
    expect(await resumeEnv(1, dir)).toEqual({ TRAINDECK_ATTEMPT: '1' });
    expect(await resumeEnv(2, dir)).toEqual({
      TRAINDECK_ATTEMPT: '2',
      TRAINDECK_RESUME_FROM: join(dir, 'epoch-001.ckpt'),
    });
    expect(await resumeEnv(3, folder({}))).toEqual({ TRAINDECK_ATTEMPT: '3' });
  });
});
