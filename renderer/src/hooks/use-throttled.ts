import { useEffect, useRef, useState } from 'react';

/**
 * `value`, but changing at most once per `intervalMs`: the first value at once, then the
 * latest one at the end of each interval (a burst never starves it, the last change is never lost).
 */
export function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const lastShown = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    // The wait counts from the last update shown, not from this change: a steady stream still updates.
    const timer = setTimeout(
      () => {
        lastShown.current = Date.now();
        setShown(() => value);
      },
      Math.max(0, lastShown.current + intervalMs - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [value, shown, intervalMs]);
  return shown;
}
