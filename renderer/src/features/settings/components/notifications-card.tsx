import {
  NOTIFICATION_TOPIC_LABELS,
  NOTIFICATION_TOPICS,
  type NotificationTopic,
} from '../../../../../shared/domain/settings';
import type { AppError } from '../../../../../shared/ipc/result';
import { Card } from '../../../components/card';
import { Disclosure } from '../../../components/disclosure';
import { ErrorCallout } from '../../../components/error-callout';
import { plainSettingsError } from './settings-error';

import './settings-cards.css';

/** Which notifications the user wants; main filters them where it raises them. */
export function NotificationsCard({
  notifications,
  error,
  onChange,
}: {
  notifications: Record<NotificationTopic, boolean>;
  error: AppError | undefined;
  onChange: (topic: NotificationTopic, on: boolean) => void;
}) {
  return (
    <Card title="Notifications" subtitle="In the app and from the OS" testId="settings-notifications">
      <fieldset className="settings-card__body settings-checks">
        <legend className="visually-hidden">Notify me when</legend>
        {NOTIFICATION_TOPICS.map((topic) => (
          <label key={topic} className="checkbox">
            <input
              type="checkbox"
              checked={notifications[topic]}
              data-testid={`notify-${topic}`}
              onChange={(e) => onChange(topic, e.target.checked)}
            />
            {NOTIFICATION_TOPIC_LABELS[topic]}
          </label>
        ))}
        <Disclosure summary="Always notified">
          A teardown that leaves resources billing and a spot interruption are always notified: they are costs or data
          at stake.
        </Disclosure>
      </fieldset>
      {error && (
        <div className="settings-card__error">
          <ErrorCallout error={plainSettingsError(error)} />
        </div>
      )}
    </Card>
  );
}
