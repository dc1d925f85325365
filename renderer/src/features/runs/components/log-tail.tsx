import { useEffect, useState } from 'react';

import { Button } from '../../../components/button';
import { useFixedRows } from '../../../hooks/use-fixed-rows';
import type { LogBuffer } from '../log/log-buffer';
import { hitIndex, type LogSearch, searchLog } from '../log/log-search';

import './log-tail.css';

interface LogTailProps {
  /** The lines held, numbered from `log.first` (lines dropped by the ring are not shown). */
  log: LogBuffer;
  /** Copies `text`; `what` names it in the "Copied" toast or the error. */
  onCopy: (text: string, what: string) => void;
}

/** Every row is this tall (log-tail.css): positions are arithmetic, nothing is measured. */
const ROW_HEIGHT = 20;
const OVERSCAN = 20;

/**
 * The training log, virtualized (only visible rows exist in the DOM, so 100k lines scroll
 * smoothly), following the end unless the user scrolls up or turns follow off; search filters.
 */
export function LogTail({ log, onCopy }: LogTailProps) {
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  // Lines a search keeps, carried from render to render so a delta reads only its own lines.
  const needle = query.trim().toLowerCase();
  const [search, setSearch] = useState<LogSearch>();
  const current = needle ? searchLog(search, log, needle) : undefined;
  if (current !== search) setSearch(current);
  const count = current ? current.hits.length : log.length;
  const indexAt = (k: number) => (current ? hitIndex(current, log, k) : k);
  const rows = useFixedRows(scroller, count, ROW_HEIGHT, OVERSCAN);
  // After the paint that shows the new lines; its scroll event renders the new bottom rows before the next paint.
  // On every new buffer, not only a new count: at the cap the count stays while the lines move on.
  useEffect(() => {
    if (follow && scroller && count) scroller.scrollTo({ top: count * ROW_HEIGHT });
  }, [follow, scroller, count, log]);
  const copy = () =>
    onCopy(log.text(current?.hits.toArray().map((n) => n - log.first)), current ? 'The matching log lines' : 'The log');

  return (
    <div className="log-tail">
      <div className="log-tail__tools">
        <input
          className="input"
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search the log"
          aria-label="Search the log"
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={follow}
            onChange={(e) => setFollow(e.target.checked)}
            data-testid="log-follow"
          />
          Follow
        </label>
        <span className="log-tail__count tabular">{query ? `${count} of ${log.length}` : `${log.length}`} lines</span>
        <Button size="sm" onClick={copy} disabled={!count}>
          Copy
        </Button>
      </div>
      <div
        ref={setScroller}
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
          <div className="log-tail__canvas" style={{ height: count * ROW_HEIGHT }}>
            {Array.from({ length: rows.end - rows.start }, (_, offset) => {
              const row = rows.start + offset;
              const index = indexAt(row) ?? 0;
              return (
                <div key={row} className="log-tail__row" style={{ transform: `translateY(${row * ROW_HEIGHT}px)` }}>
                  <span className="log-tail__number" aria-hidden="true">
                    {log.first + index + 1}
                  </span>
                  <span className="log-tail__line">{log.get(index)}</span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
