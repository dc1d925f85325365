import { describe, expect, it } from 'vitest';

import { ConnectionLost, type RemoteHost } from '../../host/remote-host';
import { LineReader } from './line-reader';

/** A host whose file grows under the test's control and whose link can drop. */
function fakeHost(state: { file?: Buffer; down?: boolean }): RemoteHost {
  return {
    exec: () => Promise.reject(new Error('unused')),
    writeFile: () => Promise.reject(new Error('unused')),
    close: async () => {},
    async read(_path, offset, max) {
      if (state.down) throw new ConnectionLost('dropped');
      return state.file?.subarray(offset, offset + max);
    },
  };
}

describe('LineReader', () => {
  it('returns complete lines only; a partial line is read again whole once its newline arrives', async () => {
    const state: { file?: Buffer; down?: boolean } = {};
    const host = fakeHost(state);
    const reader = new LineReader('/x');
    expect(await reader.next(host)).toEqual([]);
    state.file = Buffer.from('one\ntwo\nthr');
    expect(await reader.next(host)).toEqual(['one', 'two']);
    expect(reader.offset).toBe(8);
    state.file = Buffer.from('one\ntwo\nthree\nfour\n');
    expect(await reader.next(host)).toEqual(['three', 'four']);
  });

  it('a dropped link loses nothing: the offset stays where the last whole line ended', async () => {
    const state: { file?: Buffer; down?: boolean } = { file: Buffer.from('a\nb\n') };
    const host = fakeHost(state);
    const reader = new LineReader('/x');
    expect(await reader.next(host)).toEqual(['a', 'b']);
    state.file = Buffer.from('a\nb\nc\nd\n');
    state.down = true;
    await expect(reader.next(host)).rejects.toBeInstanceOf(ConnectionLost);
    state.down = false;
    expect(await reader.next(host)).toEqual(['c', 'd']);
  });

  it('keeps multi-byte characters whole across reads', async () => {
    const state = { file: Buffer.from('héllo wörld ✓\n') };
    expect(await new LineReader('/x').next(fakeHost(state))).toEqual(['héllo wörld ✓']);
  });
});
