import type { PageId } from '../../../../shared/domain/app-info';
import type { ConnectionState } from '../../bridge/connection';
import { ConnectionIndicator } from '../connection-indicator';
import { LogoMark } from '../logo-mark';
import { type NavEntry, NavList } from './nav-list';

import './sidebar.css';

interface SidebarProps {
  entries: NavEntry[];
  current: PageId;
  onNavigate: (page: PageId) => void;
  connection: ConnectionState;
  retryAt: number | undefined;
  /** From app.info; absent until it loads (and never shown without a session). */
  version: string | undefined;
  /** "Desktop" or "Browser mode". */
  transportLabel: string | undefined;
  /** What is running and burning now ("1 running · $1.03/h"), seen from every page; opens the live run. */
  live?: { label: string; onOpen: () => void } | undefined;
  /** The app talks to the in-memory demo account: said on every page, under the mark. */
  demo?: boolean | undefined;
}

/** The left column: mark, page list, and a footer saying what is running and how it is connected. */
export function Sidebar({
  entries,
  current,
  onNavigate,
  connection,
  retryAt,
  version,
  transportLabel,
  live,
  demo,
}: SidebarProps) {
  return (
    <aside className="sidebar">
      <div className="sidebar__brand">
        <LogoMark size={28} />
        <span className="sidebar__name">TrainDeck</span>
      </div>
      {demo && (
        <p className="sidebar__demo" data-testid="demo-badge">
          <strong>Demo account</strong> — nothing is real
        </p>
      )}
      <nav className="sidebar__nav" aria-label="Main">
        <NavList entries={entries} current={current} onNavigate={onNavigate} />
        {live && (
          <button
            type="button"
            className="sidebar__live"
            onClick={live.onOpen}
            title="Show the live run on the Runs page"
            data-testid="sidebar-live"
          >
            <span className="sidebar__live-dot" aria-hidden="true" />
            <span className="tabular">{live.label}</span>
          </button>
        )}
      </nav>
      <footer className="sidebar__footer">
        <ConnectionIndicator state={connection} retryAt={retryAt} />
        <div className="sidebar__meta" data-testid="app-meta">
          {version ? (
            <>
              <span className="tabular">v{version}</span>
              <span className="sidebar__chip">{transportLabel}</span>
            </>
          ) : (
            <span className="sidebar__meta-placeholder">Version —</span>
          )}
        </div>
      </footer>
    </aside>
  );
}
