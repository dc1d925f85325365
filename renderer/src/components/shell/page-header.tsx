import type { ReactNode } from 'react';

import './page-header.css';

interface PageHeaderProps {
  title: string;
  description: string;
  /** Page-level controls, right-aligned. */
  actions?: ReactNode;
}

/** The top bar of a page: its title (the page's h1) and one line on what it is for, lined up with the page's content column. */
export function PageHeader({ title, description, actions }: PageHeaderProps) {
  return (
    <header className="page-header">
      <div className="page-header__inner">
        <div className="page-header__text">
          <h1 id="page-title" className="page-header__title">
            {title}
          </h1>
          <p className="page-header__description">{description}</p>
        </div>
        {actions && <div className="page-header__actions">{actions}</div>}
      </div>
    </header>
  );
}
