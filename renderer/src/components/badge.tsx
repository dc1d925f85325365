import type { ReactNode } from 'react';

import './badge.css';

/** The tones a badge can take; each pairs a soft background with a readable text color. */
export type BadgeTone = 'neutral' | 'accent' | 'success' | 'warn' | 'danger' | 'info';

/** A small pill with a label (state, owner, policy…). */
export function Badge({
  tone = 'neutral',
  children,
  title,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  title?: string | undefined;
}) {
  return (
    <span className={`badge badge--${tone}`} title={title}>
      {children}
    </span>
  );
}
