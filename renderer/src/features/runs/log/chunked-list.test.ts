import { describe, expect, it } from 'vitest';

import { ChunkedList } from './chunked-list';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('ChunkedList (append at the end, drop at the front, items shared between versions)', () => {
  it('appends across chunk boundaries and reads every item back', () => {
    let list = ChunkedList.empty<number>();
    for (let from = 0; from < 5_000; from += 333) list = list.append(range(from, Math.min(5_000, from + 333)));
    expect(list.length).toBe(5_000);
    expect(list.toArray()).toEqual(range(0, 5_000));
    expect(list.append([])).toBe(list);
  });

  it('drops from the front, through whole chunks, and still appends', () => {
    const list = ChunkedList.empty<number>().append(range(0, 3_000));
    const dropped = list.dropFront(2_100);
    expect(dropped.length).toBe(900);
    expect(dropped.get(0)).toBe(2_100);
    expect(dropped.append([3_000, 3_001]).toArray()).toEqual(range(2_100, 3_002));
    expect(list.dropFront(0)).toBe(list);
    expect(list.dropFront(3_000).length).toBe(0);
    expect(list.dropFront(9_999).get(0)).toBeUndefined();
  });

  it('get out of range (and not an integer) is undefined', () => {
    const list = ChunkedList.empty<string>().append(['a', 'b']);
    expect([list.get(-1), list.get(2), list.get(1.5), list.get(Number.NaN)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(ChunkedList.empty<string>().get(0)).toBeUndefined();
  });

  it('an older version never sees a newer one’s items, and appending to it does not overwrite them', () => {
    const base = ChunkedList.empty<string>().append(['a', 'b']);
    const left = base.append(['c']);
    const right = base.append(['x', 'y']);
    expect(base.toArray()).toEqual(['a', 'b']);
    expect(left.toArray()).toEqual(['a', 'b', 'c']);
    expect(right.toArray()).toEqual(['a', 'b', 'x', 'y']);
    expect(left.append(['d']).toArray()).toEqual(['a', 'b', 'c', 'd']);
    expect(right.toArray()).toEqual(['a', 'b', 'x', 'y']);
  });
});
