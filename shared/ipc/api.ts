import type { CommandName, CommandRequest, CommandResponse, EventName, EventPayload } from './contract';
import type { Result } from './result';

/**
 * What the renderer sees as `window.traindeck` (Electron) or gets from the WebSocket
 * transport (browser host). Components never touch it; store actions do.
 */
export interface TrainDeckApi {
  /** Sends a command; always resolves, with a typed failure instead of a throw. */
  invoke<C extends CommandName>(command: C, request: CommandRequest<C>): Promise<Result<CommandResponse<C>>>;
  /** Listens to an event; returns the function that stops listening. */
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
