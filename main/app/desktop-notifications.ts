import { Notification } from 'electron';
import type { NotificationSink } from '../core/notifications';

/** Shows each notification through the OS, where the OS supports it; clicking focuses the app. */
export function desktopNotificationSink(iconPath: string, focusWindow: () => void): NotificationSink {
  return (notification) => {
    if (!Notification.isSupported()) return;
    const shown = new Notification({
      title: notification.title,
      body: notification.body,
      icon: iconPath,
      urgency: notification.level === 'error' ? 'critical' : 'normal',
    });
    shown.on('click', focusWindow);
    shown.show();
  };
}
