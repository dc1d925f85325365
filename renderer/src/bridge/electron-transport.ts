import type { TrainDeckApi } from '../../../shared/ipc/api';
import type { ConnectionState, Transport } from './connection';

/** Electron: preload's `window.traindeck`, always connected while the window lives. */
export function electronTransport(api: TrainDeckApi): Transport {
  const state: ConnectionState = { status: 'connected' };
  return { kind: 'electron', api, getState: () => state, onState: () => () => {} };
}
