import type { ReactNode } from 'react';

import './page-body.css';

/**
 * The scrolling area under the top bar and, inside it, the one content column every page lays
 * its cards in: the same width (`--content-max`) and the same left edge on every page, so moving
 * between pages never shifts what the eye follows.
 */
export function PageBody({ page, children }: { page?: string; children: ReactNode }) {
  return (
    <div className="page-body" data-page={page} data-testid="page-body">
      <div className="page-content" data-testid="page-content">
        {children}
      </div>
    </div>
  );
}
