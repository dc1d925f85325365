import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '../button';
import './log-tail.css';

interface LogTailProps {
  lines: string[];
  /** Absolute number of the first line (lines dropped by the ring are not shown). */
  first: number;
  onCopy: (text: string) => void;
}

const ROW_HEIGHT = 20;

/**
 * The training log, virtualized (only visible rows exist in the DOM, so 100k lines scroll
 * smoothly), following the end unless the user scrolls up or turns follow off; search filters.
 */
export function LogTail({ lines, first, onCopy }: LogTailProps) {
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const scroller = useRef<HTMLDivElement>(null);
  // Indices of the lines a search keeps; none without a search, so a delta of 100 lines costs
  // nothing per line already held (the tail holds up to 100k).
  const matches = useMemo(() => {
    const needle = query.trim().toLowerCase();
    if (!needle) return undefined;
    const kept: number[] = [];
    lines.forEach((line, index) => line.toLowerCase().includes(needle) && kept.push(index));
    return kept;
  }, [lines, query]);
  const count = matches ? matches.length : lines.length;
  // The app does not use the React Compiler; the virtualizer is used as TanStack documents it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });
  useEffect(() => {
    if (follow && count) virtual.scrollToIndex(count - 1, { align: 'end' });
  }, [follow, count, virtual]);

  return (
    <div className="log-tail">
      <div className="log-tail__tools">
        <input className="input" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search the log" aria-label="Search the log" />
        <label className="checkbox">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} data-testid="log-follow" />
          Follow
        </label>
        <span className="log-tail__count tabular">{query ? `${count} of ${lines.length}` : `${lines.length}`} lines</span>
        <Button size="sm" onClick={() => onCopy((matches ? matches.map((i) => lines[i]) : lines).join('\n'))} disabled={!count}>
          Copy
        </Button>
      </div>
      <div
        ref={scroller}
        className="log-tail__scroll"
        tabIndex={0}
        role="log"
        aria-label="Training log"
        data-testid="log-tail"
        onWheel={(e) => e.deltaY < 0 && follow && setFollow(false)}
      >
        {count === 0 ? (
          <p className="log-tail__empty">{query ? 'No line matches.' : 'No log lines yet.'}</p>
        ) : (
          <div className="log-tail__canvas" style={{ height: virtual.getTotalSize() }}>
            {virtual.getVirtualItems().map((item) => {
              const index = matches ? (matches[item.index] ?? 0) : item.index;
              return (
                <div key={item.key} className="log-tail__row" style={{ transform: `translateY(${item.start}px)` }}>
                  <span className="log-tail__number" aria-hidden="true">
                    {first + index + 1}
                  </span>
                  <span className="log-tail__line">{lines[index]}</span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
