/** How the renderer reaches main: Electron IPC, or the browser host's WebSocket. */
export type TransportKind = 'electron' | 'web';

/** What the shell knows about itself; shown in the sidebar footer and About. */
export interface AppInfo {
  productName: string;
  version: string;
  transport: TransportKind;
  platform: string;
  /** ISO time the main process (or browser host) started. */
  startedAt: string;
  /** The app talks to the in-memory demo account (TRAINDECK_FAKE_AWS=1): the shell says so on every page. */
  demo?: boolean;
}

/** The pages of the renderer; main may ask the window to show one (tray menu). */
export const PAGE_IDS = ['launch', 'runs', 'costs', 'settings'] as const;

/** One of {@link PAGE_IDS}. */
export type PageId = (typeof PAGE_IDS)[number];
