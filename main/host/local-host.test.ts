import { getEventListeners } from 'node:events';

import { describe, expect, it } from 'vitest';

import { localConnector } from './local-host';

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
