/** Runs at most `concurrency` tasks at once; the rest wait in order. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** A FIFO semaphore: bounded concurrency for transfers and requests. */
export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive whole number (got ${concurrency})`);
  }
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active -= 1;
    const next = waiting.shift();
    if (next) {
      active += 1;
      next();
    }
  };
  return async (task) => {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
