import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { processAlive, processStartTicks, sameProcessAlive } from './process-identity';

/** Above the kernel's pid_max default (4,194,304): no process has it. */
const DEAD_PID = 4_194_400;

describe('process identity', () => {
  it('reads the start time of a process whose name holds spaces and parentheses', async () => {
    // The command name is field 2 of /proc/PID/stat, in parentheses: "(a) b)" must not shift the fields.
    const dir = mkdtempSync(join(tmpdir(), 'process-identity-'));
    const program = join(dir, 'x) (y z');
    copyFileSync('/bin/sleep', program);
    const child = spawn(program, ['30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      expect(readFileSync(`/proc/${child.pid}/stat`, 'utf8')).toContain('(x) (y z)');
      const ticks = processStartTicks(child.pid!);
      expect(ticks).toMatch(/^\d+$/);
      // Started after this test process: a later tick count.
      expect(BigInt(ticks!)).toBeGreaterThanOrEqual(BigInt(processStartTicks(process.pid)!));
      expect(sameProcessAlive(child.pid!, ticks)).toBe(true);
      expect(sameProcessAlive(child.pid!, String(BigInt(ticks!) + 1n))).toBe(false);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says a process is gone, or unknown, for no such PID and nonsense', () => {
    for (const pid of [DEAD_PID, 0, -1, 1.5, Number.NaN]) {
      expect(processAlive(pid)).toBe(false);
      expect(processStartTicks(pid)).toBeUndefined();
      expect(sameProcessAlive(pid, undefined)).toBe(false);
    }
  });

  it('trusts the PID alone where no start time was recorded', () => {
    expect(sameProcessAlive(process.pid, undefined)).toBe(true);
  });
});
