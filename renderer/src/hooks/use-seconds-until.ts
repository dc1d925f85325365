import { useEffect, useState } from 'react';

/**
 * Whole seconds left until `deadline` (epoch ms), re-rendering as they pass; undefined
 * when there is no deadline. Ticks 4× a second so the number never lags visibly.
 */
export function useSecondsUntil(deadline: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [deadline]);
  if (deadline === undefined) return undefined;
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}
