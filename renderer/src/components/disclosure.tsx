import type { ReactNode } from 'react';

import './disclosure.css';

/**
 * A short hint's details, on demand: the summary is one line that says what is behind it, the
 * body opens under it. Native <details>, so keyboard and screen readers need nothing more.
 */
export function Disclosure({ summary, children }: { summary: string; children: ReactNode }) {
  return (
    <details className="disclosure">
      <summary className="disclosure__summary">{summary}</summary>
      <div className="disclosure__body">{children}</div>
    </details>
  );
}
