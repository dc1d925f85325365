import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { removeStaleRamFolders } from './secrets';

let shm: string;
beforeEach(() => {
  shm = mkdtempSync(join(tmpdir(), 'traindeck-shm-'));
});
afterEach(() => rmSync(shm, { recursive: true, force: true }));

/** A pid that ran and is gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('stale /dev/shm folders of earlier executors', () => {
  it('removes only our own traindeck-RUN-PID folders whose executor is gone', async () => {
    const gone = await deadPid();
    const stale = join(shm, `traindeck-old-run-${gone}`);
    mkdirSync(stale);
    writeFileSync(join(stale, 'deploy_key'), 'left by a killed executor\n');
    const live = join(shm, `traindeck-live-run-${process.ppid}`);
    mkdirSync(live);
    const foreign = join(shm, `other-app-${gone}`);
    mkdirSync(foreign);
    const target = mkdtempSync(join(tmpdir(), 'traindeck-target-'));
    symlinkSync(target, join(shm, `traindeck-link-${gone}`));
    try {
      expect(removeStaleRamFolders(shm)).toEqual([stale]);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      expect(existsSync(foreign)).toBe(true);
      expect(existsSync(target)).toBe(true);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });

  it("leaves another user's folder alone (owner checked)", async () => {
    const stale = join(shm, `traindeck-old-run-${await deadPid()}`);
    mkdirSync(stale);
    expect(removeStaleRamFolders(shm, 12345)).toEqual([]);
    expect(existsSync(stale)).toBe(true);
  });
});
