import type { TrainDeckApi } from '../../../shared/ipc/api';

/**
 * How the page is connected to main, as shown in the status bar and the banner. `host`
 * (web only) names the host process: a different one after a reconnect means main restarted.
 */
export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'connected'; host?: string }
  | { status: 'reconnecting'; attempt: number; retryInMs: number }
  | { status: 'unauthorized'; message: string };

/** A transport: the contract API plus its connection state. */
export interface Transport {
  readonly kind: 'electron' | 'web';
  readonly api: TrainDeckApi;
  getState(): ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
}

/** A tiny observable value; transports use it for their connection state. */
export class StateCell<T> {
  private readonly listeners = new Set<(value: T) => void>();
  constructor(private value: T) {}
  get(): T {
    return this.value;
  }
  set(value: T): void {
    this.value = value;
    for (const listener of this.listeners) listener(value);
  }
  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
