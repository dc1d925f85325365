import type { ReactNode } from 'react';

import './empty-state.css';

interface EmptyStateProps {
  illustration?: ReactNode;
  title: string;
  /** One sentence: what will appear here. */
  body: ReactNode;
  /** The first thing to do; honest, so it may be an unavailable button with a note. */
  action?: ReactNode;
  /** Why the action is unavailable, or what happens after it. */
  note?: ReactNode;
  /** Id of the note, so an unavailable action can point at it with aria-describedby. */
  noteId?: string;
  /** Smaller, left-aligned, for a secondary area inside a card. */
  compact?: boolean;
  /** 2 when the empty state is the first thing under the page title, 3 inside a titled card. */
  headingLevel?: 2 | 3;
  children?: ReactNode;
  testId?: string;
}

/** What an empty area will hold and what to do first. */
export function EmptyState({
  illustration,
  title,
  body,
  action,
  note,
  noteId,
  compact = false,
  headingLevel = 3,
  children,
  testId,
}: EmptyStateProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className={`empty-state${compact ? ' empty-state--compact' : ''}`} data-testid={testId}>
      {illustration}
      <Heading className="empty-state__title">{title}</Heading>
      <p className="empty-state__body">{body}</p>
      {action && <div className="empty-state__action">{action}</div>}
      {note && (
        <p className="empty-state__note" id={noteId}>
          {note}
        </p>
      )}
      {children}
    </div>
  );
}
