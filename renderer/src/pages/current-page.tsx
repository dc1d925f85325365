import type { PageId } from '../../../shared/domain/app-info';
import { PageBody } from '../components/shell/page-body';
import { CostsPage } from '../features/costs/pages/costs-page';
import { LaunchPage } from '../features/launch/pages/launch-page';
import { RunsPage } from '../features/runs/pages/runs-page';
import { SettingsPage } from '../features/settings/pages/settings-page';

import './pages.css';

const BODIES: Record<PageId, () => React.JSX.Element> = {
  launch: LaunchPage,
  runs: RunsPage,
  costs: CostsPage,
  settings: SettingsPage,
};

/** The body of the shown page, in the content column of the scrolling area under the top bar. */
export function CurrentPage({ page }: { page: PageId }) {
  const Body = BODIES[page];
  return (
    // Keyed by page: each page opens at its top (the Runs page after Launch opened scrolled to where Launch's button was).
    <PageBody key={page} page={page}>
      <Body />
    </PageBody>
  );
}
