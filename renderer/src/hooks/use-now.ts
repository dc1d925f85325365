import { useEffect, useState } from 'react';

/** The current time (epoch ms), refreshed every `intervalMs`, for "5 min ago" style labels. */
export function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
