import { create } from 'zustand';

import { PAGE_IDS, type PageId } from '../../../shared/domain/app-info';

interface NavigationStore {
  page: PageId;
  /** Shows a page; ignores ids it does not know (the value may come from the wire). */
  navigate(page: PageId): void;
}

/**
 * The page to open on: `#page=costs` when main opened the window for a page (the tray's "Kill all
 * cost resources…" with no window: an event sent before the page loads would be lost), else Launch.
 */
export function initialPage(hash: string): PageId {
  const page = new URLSearchParams(hash.replace(/^#/, '')).get('page');
  return (PAGE_IDS as readonly (string | null)[]).includes(page) ? (page as PageId) : 'launch';
}

/** Which page is shown. Client state, not a URL: the window has no address bar in Electron. */
export const useNavigation = create<NavigationStore>()((set) => ({
  page: initialPage(globalThis.location?.hash ?? ''),
  navigate: (page) => {
    if ((PAGE_IDS as readonly string[]).includes(page)) set({ page });
  },
}));
