import { type ReactNode, useId } from 'react';

import './card.css';

interface CardProps {
  title?: string;
  /** A short line under the title. */
  subtitle?: ReactNode;
  /** Controls at the right of the header. */
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
  testId?: string;
}

/** A titled surface; a labelled region so screen readers can jump between cards. */
export function Card({ title, subtitle, actions, className, children, testId }: CardProps) {
  const titleId = useId();
  return (
    <section
      className={['card', className].filter(Boolean).join(' ')}
      aria-labelledby={title ? titleId : undefined}
      data-testid={testId}
    >
      {title && (
        <header className="card__header">
          <div className="card__heading">
            <h2 id={titleId} className="card__title">
              {title}
            </h2>
            {subtitle && <p className="card__subtitle">{subtitle}</p>}
          </div>
          {actions && <div className="card__actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}
