import type { AppNotification, NotificationLevel } from '../../shared/domain/notification';
import type { WebhookMessage } from '../../shared/notify/webhook';
import type { Logger } from './logger';
import type { NotificationService } from './notifications';
import type { WebhookOutcome } from './webhook-post';

/**
 * The run notifications (finished or failed, stall, spot interruption, teardown verified or not,
 * ghost resources…) go to the app's notifications and, when one is set, to the webhook: in the
 * background, one bounded attempt each; a failure is logged without the URL and fails nothing.
 */
export function webhookTee(
  notifications: Pick<NotificationService, 'notify'>,
  webhook: { send(message: WebhookMessage): Promise<WebhookOutcome | undefined> },
  log: Pick<Logger, 'warn'>,
): Pick<NotificationService, 'notify'> {
  return {
    notify(level: NotificationLevel, title: string, body: string): AppNotification {
      const shown = notifications.notify(level, title, body);
      void webhook.send({ level, title, body, at: shown.at }).then(
        (outcome) => {
          if (outcome && !outcome.ok) log.warn('webhook notification not delivered', { title, reason: outcome.reason });
        },
        () => undefined,
      );
      return shown;
    },
  };
}
