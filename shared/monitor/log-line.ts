// The executor prefixes each line of train.log with an ISO time (and maybe the stream).
const STAMP =
  /^\[?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))\]?\s?(?:\[?(?:stdout|stderr|out|err)\]?\s)?/;

/**
 * Splits a leading ISO timestamp off a log line. Rates and the stall detector use that time
 * when present: lines read in a burst after a reconnect still carry when they were written.
 */
export function splitTimestamp(line: string): { at?: number; text: string } {
  const match = STAMP.exec(line);
  if (!match) return { text: line };
  const stamp = match[1] as string;
  // Lines come in bursts with the same stamp (1,000/s share a millisecond string often): parse once.
  if (stamp !== lastStamp) {
    lastStamp = stamp;
    lastAt = Date.parse(stamp);
  }
  return Number.isFinite(lastAt) ? { at: lastAt, text: line.slice(match[0].length) } : { text: line };
}

let lastStamp = '';
let lastAt = NaN;
