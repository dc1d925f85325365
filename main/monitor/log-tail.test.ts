import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { localHost } from '../host/local-host';
import { LineRing } from './line-ring';
import { LineSplitter, MAX_LINE_BYTES } from './line-splitter';
import { LogTail } from './log-tail';
import { fileTailSource, shellTailSource, type TailSource } from './tail-source';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('LineSplitter', () => {
  it('joins a line split across reads, including a UTF-8 character cut in half', () => {
    const s = new LineSplitter();
    const euro = bytes('cost €12\n');
    expect(s.push(euro.subarray(0, 6))).toEqual([]);
    expect(s.push(euro.subarray(6))).toEqual(['cost €12']);
  });

  it('splits on \\r (tqdm redraws) and \\r\\n, drops empty lines, flushes the rest', () => {
    const s = new LineSplitter();
    expect(s.push(bytes(' 1/9 [\r 2/9 [\r\nend'))).toEqual([' 1/9 [', ' 2/9 [']);
    expect(s.flush()).toEqual(['end']);
  });

  it('invalid UTF-8 becomes U+FFFD and the next line is intact', () => {
    const s = new LineSplitter();
    expect(s.push(new Uint8Array([0x6c, 0xff, 0xfe, 0x0a, 0x6f, 0x6b, 0x0a]))).toEqual(['l\uFFFD\uFFFD', 'ok']);
  });

  it('cuts a huge line at the limit instead of holding it all', () => {
    const s = new LineSplitter();
    s.push(new Uint8Array(MAX_LINE_BYTES * 3).fill(0x61));
    expect(s.bufferedBytes).toBe(MAX_LINE_BYTES);
    expect(s.push(bytes('\nnext\n')).map((l) => l.length)).toEqual([MAX_LINE_BYTES, 4]);
  });
});

describe('LineRing', () => {
  it('keeps the last N lines with absolute numbers; deltas carry only new lines', () => {
    const ring = new LineRing(3);
    for (const l of ['a', 'b', 'c', 'd']) ring.push(l);
    expect(ring.tail()).toEqual({ first: 1, lines: ['b', 'c', 'd'] });
    expect(ring.takeNew()).toEqual({ first: 1, lines: ['b', 'c', 'd'] });
    ring.push('e');
    expect(ring.takeNew()).toEqual({ first: 4, lines: ['e'] });
    expect(ring.takeNew()).toBeUndefined();
  });
});

describe.each([
  ['a local file', (path: string): TailSource => fileTailSource(path)],
  ['a shell (stat + tail + base64)', (path: string): TailSource => shellTailSource(localHost(), path)],
])('LogTail through %s', (_name, makeSource) => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'traindeck-tail-'));
    file = join(dir, "train's.log");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for a missing file, then reads lines written in pieces, without loss or duplicates', async () => {
    const tail = new LogTail(makeSource(file), { maxBytesPerRead: 7 });
    expect(await tail.poll()).toEqual({ lines: [], missing: true });
    writeFileSync(file, 'one\ntw');
    expect((await tail.poll()).lines).toEqual(['one']);
    appendFileSync(file, 'o\nthree\n');
    expect((await tail.poll()).lines).toEqual(['two', 'three']);
    expect((await tail.poll()).lines).toEqual([]);
  });

  it('resumes from a byte offset after a reconnect (a new tail at the old position)', async () => {
    writeFileSync(file, 'a\nb\n');
    const first = new LogTail(makeSource(file));
    await first.poll();
    appendFileSync(file, 'c\n');
    const resumed = new LogTail(makeSource(file), {}, first.position);
    expect((await resumed.poll()).lines).toEqual(['c']);
  });

  it('detects truncation (copytruncate) and rotation (new inode) and reads the new content from 0', async () => {
    writeFileSync(file, 'old 1\nold 2\npartial');
    const tail = new LogTail(makeSource(file));
    expect((await tail.poll()).lines).toEqual(['old 1', 'old 2']);
    truncateSync(file, 0);
    appendFileSync(file, 'new 1\n');
    expect(await tail.poll()).toEqual({ lines: ['partial', 'new 1'], reset: 'truncated' });
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'rotated 1\nrotated 2\n');
    expect(await tail.poll()).toEqual({ lines: ['rotated 1', 'rotated 2'], reset: 'rotated' });
  });

  it('non-UTF-8 bytes do not lose the following lines', async () => {
    writeFileSync(
      file,
      Buffer.concat([Buffer.from('x='), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from('\nloss=0.5\n')]),
    );
    const lines = (await new LogTail(makeSource(file)).poll()).lines;
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('loss=0.5');
  });
});
