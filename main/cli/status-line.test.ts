/* eslint-disable no-control-regex -- terminal output is what these tests read: its escapes are the point */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { StatusLine, type StatusTerminal } from './status-line';
import { clipToColumns, displayWidth, plainTerminalText } from './terminal-text';

/**
 * A small terminal: `\r` goes to column 0, `\x1b[K` clears to the end of the row, `\n` starts a new
 * row, anything else overwrites a column (wide characters are not modelled: the bars here are
 * narrow). Returns the rows as a user would see them, trailing spaces trimmed.
 */
function screen(output: string): string[] {
  const rows: string[][] = [[]];
  let column = 0;
  for (let i = 0; i < output.length; i++) {
    const row = rows[rows.length - 1]!;
    if (output.startsWith('\x1b[K', i)) {
      row.length = column;
      i += 2;
    } else if (output[i] === '\r') column = 0;
    else if (output[i] === '\n') {
      rows.push([]);
      column = 0;
    } else {
      row[column++] = output[i]!;
    }
  }
  return rows.map((row) =>
    Array.from(row, (cell) => cell ?? ' ')
      .join('')
      .trimEnd(),
  );
}

function setup(terminal: Partial<StatusTerminal> = {}, plainEveryMs = 30_000) {
  let now = 0;
  const writes: string[] = [];
  const columns = { value: 80 as number | undefined };
  const line = new StatusLine(
    (text) => writes.push(text),
    { isTTY: true, ansi: true, columns: () => columns.value, ...terminal },
    { now: () => now, redrawMs: 0, plainEveryMs },
  );
  return {
    line,
    writes,
    columns,
    output: () => writes.join(''),
    advance: (ms: number) => (now += ms),
  };
}

const bar = (n: number, total = 100) =>
  `${n}%|${'█'.repeat(Math.floor(n / 10)).padEnd(10)}| ${n}/${total} [00:${String(n).padStart(2, '0')}<00:10, 9.87it/s]`;

describe('terminal text', () => {
  it('removes colors, cursor moves, titles, hyperlinks and control characters', () => {
    expect(plainTerminalText('\x1b[32m 50%\x1b[0m|█████|\x1b[2K\x1b[1A')).toBe(' 50%|█████|');
    expect(plainTerminalText('\x1b]0;pwned\x07loss \x1b]8;;https://x.example\x1b\\link\x1b]8;;\x1b\\')).toBe(
      'loss link',
    );
    expect(plainTerminalText('a\rb\bc\x07d\x9b31me\x85f\ttab\nnew')).toBe('abcdef tab new');
  });

  it('counts columns by grapheme: wide CJK and emoji 2, accents 0, tqdm blocks 1', () => {
    expect(displayWidth('epoch 3')).toBe(7);
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('👍🏽')).toBe(2);
    expect(displayWidth('👨‍👩‍👧')).toBe(2);
    expect(displayWidth('🇫🇷')).toBe(2);
    expect(displayWidth('█▉▊▋▌▍▎▏')).toBe(8);
    expect(displayWidth('\u200b')).toBe(0);
  });

  it('clips to the columns with an ellipsis, never through a grapheme or half a wide character', () => {
    expect(clipToColumns('12345', 5)).toBe('12345');
    expect(clipToColumns('123456', 5)).toBe('1234…');
    expect(clipToColumns('日本語', 4)).toBe('日…');
    expect(clipToColumns('日本語', 5)).toBe('日本…');
    expect(clipToColumns('cafe\u0301 au lait', 5)).toBe('cafe\u0301…');
    expect(clipToColumns('👨‍👩‍👧👨‍👩‍👧', 3)).toBe('👨‍👩‍👧…');
    expect(clipToColumns('abc', 1)).toBe('…');
    expect(clipToColumns('abc', 0)).toBe('');
  });

  it('property: whatever the text and the width, the line fits and holds no control character', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 120 }),
        fc.integer({ min: 0, max: 200 }),
        (text, columns) => {
          const line = clipToColumns(plainTerminalText(text), columns);
          expect(displayWidth(line)).toBeLessThanOrEqual(columns);
          expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('the status line on a terminal', () => {
  it('redraws one row in place: carriage return, the bar, clear to the end of the row', () => {
    const t = setup();
    t.line.show(bar(10));
    t.line.show(bar(20));
    expect(t.writes).toEqual([`\r  ▸ ${bar(10)}\x1b[K`, `\r  ▸ ${bar(20)}\x1b[K`]);
    expect(screen(t.output())).toEqual([`  ▸ ${bar(20)}`]);
  });

  it('clips the bar to the terminal width (one column spare), following a resize', () => {
    const t = setup();
    t.columns.value = 30;
    t.line.show(bar(50));
    expect(screen(t.output())[0]).toHaveLength(29);
    expect(screen(t.output())[0]!.endsWith('…')).toBe(true);
    t.columns.value = 120;
    t.line.show(bar(60));
    expect(screen(t.output())).toEqual([`  ▸ ${bar(60)}`]);
    t.columns.value = undefined; // unknown width: 80 columns
    t.line.show(`${bar(70)} ${'x'.repeat(100)}`);
    expect(displayWidth(screen(t.output())[0]!)).toBe(79);
  });

  it('prints log lines above the bar, never on its row: clear, print, redraw in one write', () => {
    const t = setup();
    t.line.print('→ training\n');
    t.line.show(bar(10));
    const before = t.writes.length;
    t.line.print('  | epoch 1 loss 0.52\n  | epoch 1 acc 0.81\n');
    expect(t.writes).toHaveLength(before + 1);
    t.line.show(bar(30));
    t.line.print('  | epoch 2 loss 0.31\n');
    expect(screen(t.output())).toEqual([
      '→ training',
      '  | epoch 1 loss 0.52',
      '  | epoch 1 acc 0.81',
      '  | epoch 2 loss 0.31',
      `  ▸ ${bar(30)}`,
    ]);
  });

  it('clear removes the bar; later lines print as usual', () => {
    const t = setup();
    t.line.show(bar(100));
    t.line.clear();
    t.line.print('✓ training\n');
    expect(screen(t.output())).toEqual(['✓ training', '']);
    t.line.clear(); // twice is harmless
    expect(screen(t.output())).toEqual(['✓ training', '']);
  });

  it('strips what the training put in its bar: no escape of its own reaches the terminal', () => {
    const t = setup();
    t.line.show('\x1b]0;owned\x07\x1b[31m 40%\x1b[0m|████      | 40/100\x1b[2J');
    expect(t.output()).toBe('\r  ▸ 40%|████      | 40/100\x1b[K');
  });

  it('with NO_COLOR (no escapes), a shorter state and a log line are cleaned with spaces', () => {
    const t = setup({ ansi: false });
    t.line.show(`${bar(10)} and a long tail of text`);
    t.line.show(bar(20));
    t.line.print('  | a log line\n');
    expect(t.output()).not.toContain('\x1b');
    expect(screen(t.output())).toEqual(['  | a log line', `  ▸ ${bar(20)}`]);
  });

  describe('throttled', () => {
    afterEach(() => vi.useRealTimers());

    it('draws at most once per interval, and the latest state when it is over', () => {
      vi.useFakeTimers();
      const writes: string[] = [];
      const line = new StatusLine(
        (text) => writes.push(text),
        { isTTY: true, ansi: true, columns: () => 200 },
        {
          redrawMs: 250,
        },
      );
      for (let n = 1; n <= 10; n++) line.show(bar(n));
      expect(writes).toEqual([`\r  ▸ ${bar(1)}\x1b[K`]);
      vi.advanceTimersByTime(250);
      expect(writes).toEqual([`\r  ▸ ${bar(1)}\x1b[K`, `\r  ▸ ${bar(10)}\x1b[K`]);
      line.show(bar(11));
      line.clear();
      vi.advanceTimersByTime(1000);
      expect(writes.at(-1)).toBe('\r\x1b[K');
    });
  });
});

describe('the status line when not on a terminal (a pipe, CI)', () => {
  it('never redraws: one progress line at most every 30 s, log lines as they are', () => {
    const t = setup({ isTTY: false });
    for (let second = 0; second <= 65; second++) {
      t.line.show(bar(second));
      if (second === 40) t.line.print('  | epoch 1 done\n');
      t.advance(1000);
    }
    expect(t.output()).not.toMatch(/[\r\x1b]/);
    expect(t.output().split('\n').filter(Boolean)).toEqual([
      `  ▸ ${bar(0)}`,
      `  ▸ ${bar(30)}`,
      '  | epoch 1 done',
      `  ▸ ${bar(60)}`,
    ]);
  });
});
