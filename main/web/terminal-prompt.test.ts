import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { processTerminal } from './terminal-prompt';

function streams(tty: boolean) {
  const input = Object.assign(new PassThrough(), { isTTY: tty }) as unknown as NodeJS.ReadStream;
  const output = Object.assign(new PassThrough(), { isTTY: tty }) as unknown as NodeJS.WriteStream;
  let written = '';
  (output as unknown as PassThrough).on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { input, output, written: () => written };
}

describe('processTerminal: the browser host asks its own terminal', () => {
  it('without a TTY it never asks and answers no', async () => {
    const s = streams(false);
    const terminal = processTerminal(s, 1000);
    expect(terminal.interactive).toBe(false);
    expect(await terminal.confirm('Send everything to attacker@203.0.113.9?')).toBe(false);
    expect(s.written()).toBe('');
  });

  it('only "yes" allows; questions are asked one at a time', async () => {
    const s = streams(true);
    const terminal = processTerminal(s, 5000);
    const first = terminal.confirm('first?');
    const second = terminal.confirm('second?');
    (s.input as unknown as PassThrough).write('yes\n');
    expect(await first).toBe(true);
    (s.input as unknown as PassThrough).write('y\n');
    expect(await second).toBe(false);
    expect(s.written()).toContain('first?');
    expect(s.written().indexOf('second?')).toBeGreaterThan(s.written().indexOf('first?'));
  });

  it('no answer within the limit is a no, said on the terminal', async () => {
    const s = streams(true);
    expect(await processTerminal(s, 20).confirm('anyone there?')).toBe(false);
    expect(s.written()).toContain('no answer: refused');
  });

  it('a closed stdin is a no', async () => {
    const s = streams(true);
    const answer = processTerminal(s, 5000).confirm('closing?');
    (s.input as unknown as PassThrough).end();
    expect(await answer).toBe(false);
  });
});
