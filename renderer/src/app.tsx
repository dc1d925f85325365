import { useShallow } from 'zustand/react/shallow';

import type { PageId } from '../../shared/domain/app-info';
import type { DoctorCheck } from '../../shared/domain/doctor';
import { CostsIcon, LaunchIcon, RunsIcon, SettingsIcon } from './components/icons/nav-icons';
import { ConnectionBanner } from './components/shell/connection-banner';
import { PageBody } from './components/shell/page-body';
import { PageHeader } from './components/shell/page-header';
import { UnauthorizedGate } from './components/shell/unauthorized-gate';
import type { NavEntry } from './components/sidebar/nav-list';
import { Sidebar } from './components/sidebar/sidebar';
import { ToastStack } from './components/toasts/toast-stack';
import { priceTargetsKey, usePriceTables } from './features/runs/stores/region-prices';
import { runningLabel, runningSummary, useRuns } from './features/runs/stores/runs';
import { TRANSPORT_LABELS } from './format/labels';
import { CurrentPage } from './pages/current-page';
import { PAGES } from './pages/page-meta';
import { UnfinishedRunsBanner } from './pages/unfinished-runs-banner';
import { useApp } from './stores/app';
import { useConnection } from './stores/connection';
import { useNavigation } from './stores/navigation';
import { useNotifications } from './stores/notifications';
import { useUnfinishedRuns } from './stores/unfinished-runs';

import './app.css';

const ICONS: Record<PageId, React.JSX.Element> = {
  launch: <LaunchIcon />,
  runs: <RunsIcon />,
  costs: <CostsIcon />,
  settings: <SettingsIcon />,
};

/** The shell: banner, sidebar, the page with its top bar, toasts. Reads stores; pages do the rest. */
export function App() {
  const { page, navigate } = useNavigation(useShallow((s) => ({ page: s.page, navigate: s.navigate })));
  const { state, retryAt } = useConnection(useShallow((s) => ({ state: s.state, retryAt: s.retryAt })));
  const info = useApp((s) => s.info);
  const checks = useApp((s) => s.doctor.report?.checks);
  const { toasts, dismiss } = useNotifications(useShallow((s) => ({ toasts: s.toasts, dismiss: s.dismiss })));
  const unauthorized = state.status === 'unauthorized';
  // The badge re-renders when a run's region or type changes, not on every run event.
  const tables = usePriceTables(useRuns((s) => priceTargetsKey(Object.values(s.runs))));
  const unfinished = useUnfinishedRuns((s) => s.runs);
  const liveLabel = useRuns((s) =>
    runningLabel(runningSummary(s.runs, s.burn, Date.now(), s.burnAtMost, { tables, unfinished })),
  );

  return (
    <div className="shell">
      <ConnectionBanner state={state} retryAt={retryAt} />
      {!unauthorized && <UnfinishedRunsBanner />}
      <div className="shell__body">
        <Sidebar
          entries={navEntries(checks)}
          current={page}
          onNavigate={navigate}
          connection={state}
          retryAt={retryAt}
          version={info?.version}
          transportLabel={info ? TRANSPORT_LABELS[info.transport] : undefined}
          live={
            liveLabel && !unauthorized
              ? {
                  label: liveLabel,
                  onOpen: () => {
                    useRuns.getState().showLive();
                    navigate('runs');
                  },
                }
              : undefined
          }
          demo={info?.demo}
        />
        <main className="shell__main" aria-labelledby="page-title">
          {unauthorized ? (
            <PageHeader
              title="Not connected"
              description="This tab needs the link the browser host prints when it starts."
            />
          ) : (
            <PageHeader title={PAGES[page].title} description={PAGES[page].description} />
          )}
          {/* In the flow under the top bar, never floating over a table: a toast moves the page down instead. */}
          <ToastStack toasts={toasts} onDismiss={dismiss} />
          {unauthorized ? (
            <PageBody>
              <UnauthorizedGate />
            </PageBody>
          ) : (
            <CurrentPage page={page} />
          )}
        </main>
      </div>
    </div>
  );
}

/** The sidebar entries; Settings carries a count of setup problems so they are seen from anywhere. */
function navEntries(checks: DoctorCheck[] | undefined): NavEntry[] {
  const failed = checks?.filter((check) => check.status === 'fail').length ?? 0;
  const warned = checks?.filter((check) => check.status === 'warn').length ?? 0;
  const problems = failed + warned;
  return (Object.keys(PAGES) as PageId[]).map((id) => ({
    id,
    label: PAGES[id].title,
    icon: ICONS[id],
    ...(id === 'settings' && problems > 0
      ? {
          badge: {
            text: String(problems),
            tone: failed ? 'danger' : 'warn',
            description: `${problems} setup ${problems === 1 ? 'issue' : 'issues'} to review`,
          } as const,
        }
      : {}),
  }));
}
