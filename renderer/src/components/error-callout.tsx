import type { AppError } from '../../../shared/ipc/result';
import { AlertIcon } from './icons/ui-icons';
import { RichText } from './rich-text';

import './error-callout.css';

/** An AppError shown where it happened: its message and, when main gave one, its fix. */
export function ErrorCallout({ error, title }: { error: AppError; title?: string }) {
  return (
    <div className="error-callout" role="alert">
      <AlertIcon size={16} className="error-callout__icon" />
      <div className="error-callout__body">
        {title && <p className="error-callout__title">{title}</p>}
        <p className="error-callout__message selectable">
          <RichText text={error.message} />
        </p>
        {error.fix && (
          <p className="error-callout__fix selectable">
            <RichText text={error.fix} />
          </p>
        )}
      </div>
    </div>
  );
}
