import type { TrainDeckApi } from '../../../shared/ipc/api';
import { fail } from '../../../shared/ipc/result';

/**
 * The one API handle store actions call. It lives apart from bridge.ts so that stores can
 * import it without importing the bridge (which imports the stores): no import cycle.
 */
let current: TrainDeckApi | undefined;

/** Called once by the bridge when the transport is selected. */
export function setApi(api: TrainDeckApi): void {
  current = api;
}

/** Before the bridge starts (only in isolated component tests) every command fails politely. */
const notStarted: TrainDeckApi = {
  invoke: () => Promise.resolve(fail({ code: 'UNAVAILABLE', message: 'TrainDeck is still starting.' })),
  subscribe: () => () => {},
};

/** The API for store actions; components never call it. */
export function api(): TrainDeckApi {
  return current ?? notStarted;
}
