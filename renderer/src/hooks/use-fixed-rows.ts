import { useCallback, useSyncExternalStore } from 'react';

/** Rows [start, end) of `count` rows of `rowHeight` px to render for a scroll position, with `overscan` rows either side. */
export function rowRange(
  scrollTop: number,
  viewHeight: number,
  count: number,
  rowHeight: number,
  overscan: number,
): { start: number; end: number } {
  const top = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(0, viewHeight) / rowHeight) + 1;
  return { start: Math.max(0, Math.min(top, count) - overscan), end: Math.min(count, top + shown + overscan) };
}

const noop = () => {};

/**
 * The rows of a list of fixed-height rows to render in scroll element `el`: only the visible ones
 * and `overscan` more. Every row is `rowHeight` px, so positions are arithmetic: a change of
 * `count` (a log delta) costs nothing per row, unlike a measuring virtualizer, which rebuilds a
 * table of every row's position on each change of count.
 */
export function useFixedRows(
  el: HTMLElement | null,
  count: number,
  rowHeight: number,
  overscan: number,
): { start: number; end: number } {
  const subscribe = useCallback(
    (changed: () => void) => {
      if (!el) return noop;
      el.addEventListener('scroll', changed, { passive: true });
      const resize = new ResizeObserver(changed);
      resize.observe(el);
      return () => {
        el.removeEventListener('scroll', changed);
        resize.disconnect();
      };
    },
    [el],
  );
  // Two numbers, not an object: a snapshot must be equal when nothing changed. Scrolling within a row re-renders nothing.
  const firstRow = useSyncExternalStore(subscribe, () => (el ? Math.floor(el.scrollTop / rowHeight) : 0));
  const viewHeight = useSyncExternalStore(subscribe, () => el?.clientHeight ?? 0);
  return rowRange(firstRow * rowHeight, viewHeight, count, rowHeight, overscan);
}
