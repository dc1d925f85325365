import type { EventName, EventPayload } from '../../shared/ipc/contract';

/** Any listener for any event (what transports register to forward everything). */
export type AnyEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/**
 * The fan-out from services to transports: services emit typed events, each transport
 * (IPC to windows, WebSocket to pages, the tray) forwards what it cares about.
 */
export class EventBus {
  private readonly listeners = new Set<AnyEventListener>();

  /** Sends `payload` to every listener; a failing listener does not stop the others. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // A broken transport must not break the service that emitted; it logs its own failures.
      }
    }
  }

  /** Registers a listener for every event; returns the function that removes it. */
  onAny(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers a listener for one event. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.onAny((name, payload) => {
      if ((name as EventName) === event) listener(payload as EventPayload<E>);
    });
  }
}
