import { ChunkedList } from './chunked-list';
import type { LogBuffer } from './log-buffer';

/** The lines of a log buffer that contain a needle, and how far the buffer has been read for it. */
export interface LogSearch {
  /** Lower-cased, trimmed: what a line (lower-cased) must contain. */
  readonly needle: string;
  readonly lineage: symbol;
  /** Absolute number of the first line not yet read. */
  readonly end: number;
  /** Absolute numbers of the matching lines, ascending. */
  readonly hits: ChunkedList<number>;
}

/**
 * Matches of `needle` in `log`, reading only the lines `prev` has not read when it searched the
 * same needle in an earlier version of the same tail (a delta then costs its own lines, not 100k),
 * and forgetting matches that fell off the front. Returns `prev` itself when nothing changed.
 */
export function searchLog(prev: LogSearch | undefined, log: LogBuffer, needle: string): LogSearch {
  const end = log.first + log.length;
  const resume = prev !== undefined && prev.needle === needle && prev.lineage === log.lineage && prev.end <= end;
  let hits = resume ? prev.hits : ChunkedList.empty<number>();
  let gone = 0;
  while (gone < hits.length && (hits.get(gone) as number) < log.first) gone++;
  if (resume && prev.end === end && gone === 0) return prev;
  hits = hits.dropFront(gone);
  const found: number[] = [];
  for (let n = resume ? Math.max(prev.end, log.first) : log.first; n < end; n++) {
    if (
      log
        .get(n - log.first)
        ?.toLowerCase()
        .includes(needle)
    ) {
      found.push(n);
    }
  }
  return { needle, lineage: log.lineage, end, hits: hits.append(found) };
}

/** The buffer index of match `k` of a search (for get and the line number), else undefined. */
export function hitIndex(search: LogSearch, log: LogBuffer, k: number): number | undefined {
  const n = search.hits.get(k);
  return n === undefined ? undefined : n - log.first;
}
