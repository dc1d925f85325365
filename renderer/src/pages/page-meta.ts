import type { PageId } from '../../../shared/domain/app-info';

/** Title and one-line description of a page, used by the sidebar, the top bar and the window title. */
export interface PageMeta {
  title: string;
  description: string;
}

/** Every page in sidebar order. */
export const PAGES: Record<PageId, PageMeta> = {
  launch: { title: 'Launch', description: 'Configure a training run on one EC2 instance and start it with one click.' },
  runs: { title: 'Runs', description: 'Watch the current run live and look back at the ones that finished.' },
  costs: { title: 'Costs', description: 'Everything billable in every region, and the button that removes it.' },
  settings: {
    title: 'Settings',
    description: 'What TrainDeck will use: AWS profile, credentials, region, endpoints and runtime.',
  },
};
