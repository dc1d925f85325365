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
