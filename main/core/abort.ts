/**
 * Settles with `promise`, or rejects with `signal.reason` as soon as `signal` aborts: work that
 * ignores its signal cannot hold its caller past the limit. The listener is removed once either
 * side wins, and a late rejection of `promise` is handled (nobody is left to tell).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Calls `onAbort` once when `signal` aborts (at once if it already has), and returns the
 * function that removes the listener: call it when the work ends, or every wait leaves one
 * listener behind on a long-lived signal (Node warns past 10: MaxListenersExceededWarning).
 */
export function whenAborted(signal: AbortSignal | undefined, onAbort: (reason: unknown) => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    onAbort(signal.reason);
    return () => {};
  }
  const listener = () => onAbort(signal.reason);
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}

/**
 * Waits `ms`, or rejects with `signal.reason` as soon as `signal` aborts. Either way the timer
 * and the abort listener are gone when it settles.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      dispose();
      resolve();
    }, ms);
    const dispose = whenAborted(signal, (reason) => {
      clearTimeout(timer);
      reject(reason);
    });
  });
}
