import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { runProcess } from './run-process';
import { startTraining } from './train';

// Invariant: a process wrapper settles when the process ends, even while a background child it
// started keeps the output pipes open (before, both waited for the pipes: until the TTL).
const dir = mkdtempSync(join(tmpdir(), 'traindeck-pipes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('process wrappers settle when the process ends', () => {
  it('runProcess: a background child holding stdout does not hold the result', async () => {
    const result = await runProcess(['bash', '-c', 'sleep 30 & echo started; exit 3'], { timeoutMs: 30_000 });
    expect(result).toMatchObject({ code: 3, stdout: 'started\n' });
  });

  it('training: the command exits, a background child keeps the pipes: the exit is the outcome, the log says why', async () => {
    const logFile = join(dir, 'train.log');
    const training = startTraining('sleep 30 & echo trained', { cwd: dir, env: process.env, logFile });
    expect(await training.exited).toEqual({ code: 0, signal: null });
    const log = readFileSync(logFile, 'utf8');
    expect(log).toMatch(/ trained\n/);
    expect(log).toMatch(/\[traindeck\] the command exited but its output stays open/);
  });
});
