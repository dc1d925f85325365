import type { ObjectStore } from '../../aws/ports/object-store';

/**
 * Wraps a store so that `controller` aborts once `count` calls of `method` have succeeded:
 * an interruption at an exact point, whatever the speed of the machine (progress events
 * are throttled and cannot be relied on to stop a fast run in time).
 */
export function abortAfter(
  store: ObjectStore,
  method: 'put' | 'get',
  count: number,
  controller: AbortController,
): ObjectStore {
  let done = 0;
  const counted = async <T>(result: Promise<T>): Promise<T> => {
    const value = await result;
    done += 1;
    if (done >= count) controller.abort();
    return value;
  };
  /** Counted only when the store answered (undefined: it could not, and `get` follows, counted then). */
  const countedIfAnswered = async <T>(result: Promise<T | undefined>): Promise<T | undefined> => {
    const value = await result;
    return value === undefined ? value : counted(Promise.resolve(value));
  };
  return {
    ...store,
    bucket: store.bucket,
    keyFingerprint: store.keyFingerprint,
    put: (request, signal) => (method === 'put' ? counted(store.put(request, signal)) : store.put(request, signal)),
    get: (key, range, signal) =>
      method === 'get' ? counted(store.get(key, range, signal)) : store.get(key, range, signal),
    // A small object is read whole where the store can (getWhole): that is a GET too, counted as one.
    ...(store.getWhole
      ? {
          getWhole: (key: string, size: number, signal?: AbortSignal) =>
            method === 'get' ? counted(store.getWhole!(key, size, signal)) : store.getWhole!(key, size, signal),
        }
      : {}),
    // So is a range read into memory (getRange).
    ...(store.getRange
      ? {
          getRange: (key: string, range: { start: number; end: number }, signal?: AbortSignal) =>
            method === 'get'
              ? countedIfAnswered(store.getRange!(key, range, signal))
              : store.getRange!(key, range, signal),
        }
      : {}),
  };
}
