import type { AppNotification, NotificationLevel } from '../../../../shared/domain/notification';
import { formatClock } from '../../format/time';
import { AlertIcon, CheckIcon, CloseIcon, InfoIcon } from '../icons/ui-icons';
import { RichText } from '../rich-text';

import './toast-stack.css';

const GLYPHS: Record<NotificationLevel, typeof InfoIcon> = {
  info: InfoIcon,
  success: CheckIcon,
  warning: AlertIcon,
  error: AlertIcon,
};

interface ToastStackProps {
  toasts: AppNotification[];
  onDismiss: (id: string) => void;
}

/** Notifications from main in a strip under the top bar, newest last, each with its own dismiss button. */
export function ToastStack({ toasts, onDismiss }: ToastStackProps) {
  return (
    <section className="toasts" aria-label="Notifications">
      {toasts.map((toast) => {
        const Glyph = GLYPHS[toast.level];
        return (
          <div
            key={toast.id}
            className={`toast toast--${toast.level}`}
            role={toast.level === 'error' ? 'alert' : 'status'}
            data-testid="toast"
          >
            <span className="toast__icon">
              <Glyph size={16} />
            </span>
            <div className="toast__body">
              <p className="toast__title">{toast.title}</p>
              {toast.body && (
                <p className="toast__text selectable">
                  <RichText text={toast.body} />
                </p>
              )}
              <p className="toast__time tabular">{formatClock(toast.at)}</p>
            </div>
            <button
              type="button"
              className="toast__dismiss"
              onClick={() => onDismiss(toast.id)}
              aria-label={`Dismiss notification: ${toast.title}`}
            >
              <CloseIcon size={14} />
            </button>
          </div>
        );
      })}
    </section>
  );
}
