import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, expect, it, vi } from 'vitest';

import { processStartTicks } from '../core/process-identity';
import type * as RegularFile from '../core/regular-file';
import { claimPushNow } from './push-now';
import { workLayout } from './work-layout';

// The interleaving of two claims in two processes, made exact: `afterRead` runs right after the
// claim under test has read the pid file (the other process acting between that read and what follows).
// The pid file is read through the regular-file reader (never a link or a FIFO), so the hook sits there.
let afterRead: { path: string; act: () => void } | undefined;
vi.mock('../core/regular-file', async (importOriginal) => {
  const real = await importOriginal<typeof RegularFile>();
  const readRegularFileSync: typeof real.readRegularFileSync = (path, limit) => {
    const text = real.readRegularFileSync(path, limit);
    const hook = afterRead;
    if (hook && path === hook.path) {
      afterRead = undefined;
      hook.act();
    }
    return text;
  };
  return { ...real, readRegularFileSync };
});

const dirs: string[] = [];
const children: Array<{ kill: () => void }> = [];
afterEach(() => {
  children.splice(0).forEach((c) => c.kill());
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

it('two claims over one stale file: the slower never removes the faster one’s fresh claim (only one push now runs)', async () => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'push-now-race-'));
  dirs.push(dir);
  const l = workLayout(dir, { runId: 'r1', storage: { bucket: 'b', prefix: 'p', region: 'r', folders: [] } });
  // The other push now: a live process.
  const other = spawn('sleep', ['30'], { stdio: 'ignore' });
  children.push(other);
  await new Promise((resolve) => other.once('spawn', resolve));
  const otherLine = `${other.pid} ${processStartTicks(other.pid!)}\n`;
  // Left by a push killed with -9.
  fs.writeFileSync(l.pushNowPidFile, '999999999\n');
  // This claim reads the stale file; the other claim then removes it and writes its own.
  afterRead = {
    path: l.pushNowPidFile,
    act: () => {
      fs.rmSync(l.pushNowPidFile);
      fs.writeFileSync(l.pushNowPidFile, otherLine, { flag: 'wx' });
    },
  };
  expect(() => claimPushNow(l)).toThrow(`a push asked for earlier is still running (PID ${other.pid})`);
  expect(afterRead, 'the claim read the pid file through the hooked reader').toBeUndefined();
  expect(fs.readFileSync(l.pushNowPidFile, 'utf8')).toBe(otherLine);
});
