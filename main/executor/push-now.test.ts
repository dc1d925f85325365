import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { processStartTicks } from '../core/process-identity';
import { claimPushNow, stopPushNow } from './push-now';
import { workLayout } from './work-layout';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function layout() {
  const dir = mkdtempSync(join(tmpdir(), 'push-now-'));
  dirs.push(dir);
  return workLayout(dir, { runId: 'r1', storage: { bucket: 'b', prefix: 'p', region: 'r', folders: [] } });
}

/** A child that ignores SIGTERM (`trap '' TERM`) or not; resolves once it runs. */
function child(ignoreTerm: boolean) {
  const proc = spawn('sh', ['-c', `${ignoreTerm ? "trap '' TERM; " : ''}echo up; sleep 30`], { stdio: 'pipe' });
  return new Promise<typeof proc>((resolve) => proc.stdout.once('data', () => resolve(proc)));
}

describe('push during training: the final push comes first', () => {
  it('stops a push still going with SIGTERM before the final push', async () => {
    const l = layout();
    const proc = await child(false);
    writeFileSync(l.pushNowPidFile, `${proc.pid}\n`);
    expect(await stopPushNow(l)).toBe('stopped');
    expect(proc.exitCode ?? proc.signalCode).toBe('SIGTERM');
  });

  it('kills one that ignores SIGTERM once the limit passes (its sync lock is then stale)', async () => {
    const l = layout();
    const proc = await child(true);
    writeFileSync(l.pushNowPidFile, `${proc.pid}\n`);
    expect(await stopPushNow(l, 300)).toBe('killed');
    await new Promise((r) => proc.once('exit', r));
    expect(proc.signalCode).toBe('SIGKILL');
  });

  it('never signals a process that got the PID of a killed push later (PID + start time)', async () => {
    const l = layout();
    const proc = await child(false);
    // A push killed with -9 left its file; the kernel then gave its PID to this unrelated child.
    writeFileSync(l.pushNowPidFile, `${proc.pid} 1\n`);
    expect(await stopPushNow(l, 300)).toBe('none');
    expect(proc.exitCode ?? proc.signalCode).toBeNull();
    // The same PID with its own start time is the push: stopped.
    writeFileSync(l.pushNowPidFile, `${proc.pid} ${processStartTicks(proc.pid!)}\n`);
    expect(await stopPushNow(l)).toBe('stopped');
  });

  it('records its own start time with its PID', () => {
    const l = layout();
    const release = claimPushNow(l);
    expect(readFileSync(l.pushNowPidFile, 'utf8')).toBe(`${process.pid} ${processStartTicks(process.pid)}\n`);
    release();
  });

  it('one push now at a time: a second is refused while the first runs, a stale file is taken over', () => {
    const l = layout();
    const release = claimPushNow(l);
    // Before: the second overwrote the file, lost the sync lock, removed "its" file, and the first
    // ran on unseen by the final push, which then gave up on the lock.
    expect(() => claimPushNow(l)).toThrow(`a push asked for earlier is still running (PID ${process.pid})`);
    expect(readFileSync(l.pushNowPidFile, 'utf8')).toBe(`${process.pid} ${processStartTicks(process.pid)}\n`);
    release();
    for (const stale of ['999999999\n', `${process.pid} 1\n`, 'garbage']) {
      writeFileSync(l.pushNowPidFile, stale);
      const again = claimPushNow(l);
      expect(readFileSync(l.pushNowPidFile, 'utf8')).toBe(`${process.pid} ${processStartTicks(process.pid)}\n`);
      again();
    }
  });

  it('has nothing to stop without a live push (no file, a dead pid, garbage)', async () => {
    const l = layout();
    expect(await stopPushNow(l)).toBe('none');
    writeFileSync(l.pushNowPidFile, '999999999\n');
    expect(await stopPushNow(l)).toBe('none');
    writeFileSync(l.pushNowPidFile, 'not a pid');
    expect(await stopPushNow(l)).toBe('none');
  });

  it('refuses a push now once the run has ended, with a sentence and a fix; a claim is released', () => {
    const l = layout();
    const release = claimPushNow(l);
    expect(existsSync(l.pushNowPidFile)).toBe(true);
    release();
    expect(existsSync(l.pushNowPidFile)).toBe(false);
    writeFileSync(l.statusFile, '{}');
    expect(() => claimPushNow(l)).toThrow(/training has ended and the final push has run/);
  });
});
