import type { TrainDeckApi } from '../../../shared/ipc/api';
import type { Transport } from './connection';
import { electronTransport } from './electron-transport';
import { webTransport } from './web-transport';

declare global {
  interface Window {
    /** Present only in Electron, exposed by preload. */
    traindeck?: TrainDeckApi;
  }
}

const TOKEN_KEY = 'traindeck.token';

/**
 * Picks the transport once at startup: preload's API in Electron, else the browser host's
 * WebSocket. The token arrives in the URL fragment; it is moved to sessionStorage and
 * removed from the address bar so it is not copied along with a screenshot or a link.
 */
export function selectTransport(): Transport {
  if (window.traindeck) return electronTransport(window.traindeck);
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return webTransport(window.location, fromHash ?? sessionStorage.getItem(TOKEN_KEY) ?? undefined);
}
