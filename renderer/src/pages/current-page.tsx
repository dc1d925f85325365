import type { PageId } from '../../../shared/domain/app-info';
import { CostsPage } from './costs-page';
import { LaunchPage } from './launch-page';
import { RunsPage } from './runs-page';
import { SettingsPage } from './settings-page';

import './pages.css';

const BODIES: Record<PageId, () => React.JSX.Element> = {
  launch: LaunchPage,
  runs: RunsPage,
  costs: CostsPage,
  settings: SettingsPage,
};

/** The body of the shown page, in the scrolling area under the top bar. */
export function CurrentPage({ page }: { page: PageId }) {
  const Body = BODIES[page];
  return (
    <div className="page-body" data-page={page}>
      <Body />
    </div>
  );
}
