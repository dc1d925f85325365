import { type KeyboardEvent, type ReactNode, useRef } from 'react';

import type { PageId } from '../../../../shared/domain/app-info';

/** One entry of the sidebar. */
export interface NavEntry {
  id: PageId;
  label: string;
  icon: ReactNode;
  /** A small count beside the label (e.g. setup warnings), with its spoken meaning. */
  badge?: { text: string; description: string; tone: 'warn' | 'danger' | 'info' };
}

interface NavListProps {
  entries: NavEntry[];
  current: PageId;
  onNavigate: (page: PageId) => void;
}

/**
 * The page list. Buttons, not links: pages are client state. Tab reaches every item;
 * arrow keys, Home and End move between them as in a native sidebar.
 */
export function NavList({ entries, current, onNavigate }: NavListProps) {
  const list = useRef<HTMLUListElement>(null);
  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const buttons = [...(list.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const target = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (target === undefined || index < 0) return;
    event.preventDefault();
    buttons[(target + buttons.length) % buttons.length]?.focus();
  };
  return (
    <ul className="nav-list" ref={list} onKeyDown={onKeyDown}>
      {entries.map((entry) => (
        <li key={entry.id}>
          <button
            type="button"
            className="nav-item"
            aria-current={entry.id === current ? 'page' : undefined}
            onClick={() => onNavigate(entry.id)}
            data-testid={`nav-${entry.id}`}
          >
            <span className="nav-item__icon">{entry.icon}</span>
            <span className="nav-item__label">{entry.label}</span>
            {entry.badge && (
              <span className={`nav-item__badge nav-item__badge--${entry.badge.tone}`} title={entry.badge.description}>
                <span aria-hidden="true">{entry.badge.text}</span>
                <span className="visually-hidden">{entry.badge.description}</span>
              </span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}
