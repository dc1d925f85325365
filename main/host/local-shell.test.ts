import { describe, expect, it } from 'vitest';

import { localHost } from './local-host';
import { shellQuote } from './shell-quote';

describe('local RemoteShell (child process)', () => {
  const shell = localHost();

  it('returns stdout, stderr and a non-zero exit as a normal result', async () => {
    expect(await shell.exec('echo out; echo err >&2; exit 3', { timeoutMs: 5000 })).toEqual({
      stdout: 'out\n',
      stderr: 'err\n',
      code: 3,
    });
  });

  it('every wait is bounded: a hanging command is killed at the timeout', async () => {
    const started = Date.now();
    await expect(shell.exec('sleep 10', { timeoutMs: 100 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('and cancellable: abort kills it at once', async () => {
    const controller = new AbortController();
    const run = shell.exec('sleep 10', { timeoutMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('quotes values so a path cannot inject commands', async () => {
    const nasty = `a'b; echo pwned $(id) "c"`;
    expect((await shell.exec(`printf %s ${shellQuote(nasty)}`, { timeoutMs: 5000 })).stdout).toBe(nasty);
  });
});
