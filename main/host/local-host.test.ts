import { getEventListeners } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { processAlive } from '../core/process-identity';
import { localConnector } from './local-host';
import { shellQuote } from './shell-quote';

describe('local host exec', () => {
  it('a command that exits without reading its stdin is its exit code, not a crash (EPIPE)', async () => {
    const host = await localConnector.connect(new AbortController().signal);
    const big = 'x'.repeat(4 * 1024 * 1024); // more than a pipe buffer: the write must hit the closed pipe
    for (let i = 0; i < 5; i += 1) {
      expect(await host.exec('exit 3', { stdin: big })).toMatchObject({ code: 3 });
    }
  });

  it('passes stdin to a command that reads it', async () => {
    const host = await localConnector.connect(new AbortController().signal);
    expect(await host.exec('cat', { stdin: 'secret-free text' })).toMatchObject({
      code: 0,
      stdout: 'secret-free text',
    });
  });
});

describe('local host exec settles on every path', () => {
  it('a command that leaves a background child holding its output pipes still returns its exit code', async () => {
    const host = await localConnector.connect(new AbortController().signal);
    const result = await host.exec('sleep 5 & echo started; exit 4', { timeoutMs: 20_000 });
    expect(result).toMatchObject({ code: 4, stdout: 'started\n' });
  });

  it('the time limit rejects with a sentence and kills the command', async () => {
    const host = await localConnector.connect(new AbortController().signal);
    await expect(host.exec('sleep 30', { timeoutMs: 300 })).rejects.toThrow('local command timed out after 0.3 s');
  });

  it('abort rejects with the reason and leaves no abort listener', async () => {
    const host = await localConnector.connect(new AbortController().signal);
    const controller = new AbortController();
    const running = host.exec('sleep 30', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by the user')), 100);
    await expect(running).rejects.toThrow('cancelled by the user');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

/** Waits (bounded) for a pid to be gone; returns whether it went. */
async function gone(pid: number, limitMs = 5_000): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 50) {
    if (!processAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !processAlive(pid);
}

describe('local host exec is the merged, safer shell (shipped = tested)', () => {
  it('a timeout kills the whole command, not only sh: a grandchild holding the pipes dies too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-local-host-'));
    const pidFile = join(dir, 'pid');
    const host = await localConnector.connect(new AbortController().signal);
    try {
      await expect(
        host.exec(`sleep 30 & echo $! > ${shellQuote(pidFile)}; wait`, { timeoutMs: 500 }),
      ).rejects.toMatchObject({ code: 'TIMEOUT' });
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(pid).toBeGreaterThan(0);
      expect(await gone(pid)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an abort kills the whole command too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'td-local-host-'));
    const pidFile = join(dir, 'pid');
    const host = await localConnector.connect(new AbortController().signal);
    const controller = new AbortController();
    try {
      const running = host.exec(`sleep 30 & echo $! > ${shellQuote(pidFile)}; wait`, { signal: controller.signal });
      // The file exists as soon as the shell opens it for the redirection, before echo wrote the pid:
      // wait for the pid itself (an empty read is pid 0, which names the test's own process group).
      const pidWritten = () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')) > 0;
      for (let i = 0; i < 100 && !pidWritten(); i += 1) await new Promise((r) => setTimeout(r, 20));
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(pid).toBeGreaterThan(0);
      controller.abort(new Error('cancelled by the user'));
      await expect(running).rejects.toThrow('cancelled by the user');
      expect(await gone(pid)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('caps what it keeps of a runaway output at 8 MiB (plus one chunk), and still returns the exit code', async () => {
    const host = await localConnector.connect(new AbortController().signal);
    const result = await host.exec('head -c 20000000 /dev/zero; exit 5', { timeoutMs: 60_000 });
    expect(result.code).toBe(5);
    expect(result.stdout.length).toBeGreaterThan(0);
    expect(result.stdout.length).toBeLessThanOrEqual(8 * 1024 * 1024 + 1024 * 1024);
  });
});
