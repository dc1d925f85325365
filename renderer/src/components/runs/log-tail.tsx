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
  const shown = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const all = lines.map((line, index) => ({ line, number: first + index + 1 }));
    return needle ? all.filter((entry) => entry.line.toLowerCase().includes(needle)) : all;
  }, [lines, first, query]);
  // The app does not use the React Compiler; the virtualizer is used as TanStack documents it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });
  useEffect(() => {
    if (follow && shown.length) virtual.scrollToIndex(shown.length - 1, { align: 'end' });
  }, [follow, shown.length, virtual]);

  return (
    <div className="log-tail">
      <div className="log-tail__tools">
        <input className="input" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search the log" aria-label="Search the log" />
        <label className="checkbox">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} data-testid="log-follow" />
          Follow
        </label>
        <span className="log-tail__count tabular">{query ? `${shown.length} of ${lines.length}` : `${lines.length}`} lines</span>
        <Button size="sm" onClick={() => onCopy(shown.map((e) => e.line).join('\n'))} disabled={!shown.length}>
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
        {shown.length === 0 ? (
          <p className="log-tail__empty">{query ? 'No line matches.' : 'No log lines yet.'}</p>
        ) : (
          <div className="log-tail__canvas" style={{ height: virtual.getTotalSize() }}>
            {virtual.getVirtualItems().map((item) => {
              const entry = shown[item.index];
              return (
                <div key={item.key} className="log-tail__row" style={{ transform: `translateY(${item.start}px)` }}>
                  <span className="log-tail__number" aria-hidden="true">
                    {entry?.number}
                  </span>
                  <span className="log-tail__line">{entry?.line}</span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
