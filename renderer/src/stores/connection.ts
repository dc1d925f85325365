import { create } from 'zustand';

import type { ConnectionState } from '../bridge/connection';

interface ConnectionStore {
  state: ConnectionState;
  /** Epoch ms of the next reconnect attempt, so the UI can count down without the transport. */
  retryAt: number | undefined;
  setState(state: ConnectionState): void;
}

/** The transport's connection state as the shell shows it (indicator, banner, gate). */
export const useConnection = create<ConnectionStore>()((set) => ({
  state: { status: 'connecting' },
  retryAt: undefined,
  setState: (state) =>
    set({ state, retryAt: state.status === 'reconnecting' ? Date.now() + state.retryInMs : undefined }),
}));
