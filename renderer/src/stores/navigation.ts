import { create } from 'zustand';
import { PAGE_IDS, type PageId } from '../../../shared/domain/app-info';

interface NavigationStore {
  page: PageId;
  /** Shows a page; ignores ids it does not know (the value may come from the wire). */
  navigate(page: PageId): void;
}

/** Which page is shown. Client state, not a URL: the window has no address bar in Electron. */
export const useNavigation = create<NavigationStore>()((set) => ({
  page: 'launch',
  navigate: (page) => {
    if ((PAGE_IDS as readonly string[]).includes(page)) set({ page });
  },
}));
