/**
 * Decides whether a crashed renderer is reloaded: at most `max` reloads within `windowMs`, so a
 * page that crashes as it loads does not spin forever. Pure (the clock is passed in).
 */
export function crashBudget(options: { max: number; windowMs: number }): (now: number) => boolean {
  const recent: number[] = [];
  return (now) => {
    while (recent.length && now - recent[0]! >= options.windowMs) recent.shift();
    if (recent.length >= options.max) return false;
    recent.push(now);
    return true;
  };
}
