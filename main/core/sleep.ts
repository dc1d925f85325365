import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms` or rejects when `signal` aborts. Injected so tests advance a fake clock instead. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real sleep. */
export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, signal ? { signal } : {});
