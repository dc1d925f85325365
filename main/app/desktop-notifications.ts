import { Notification } from 'electron';

import type { NotificationSink } from '../core/notifications';

/** Notifications kept referenced at once; the oldest is let go past this (the OS may never say "closed"). */
export const MAX_LIVE_NOTIFICATIONS = 20;

/**
 * Shows each notification through the OS, where the OS supports it; clicking focuses the app.
 * Each one stays referenced until it is clicked or closed: a Notification that is garbage
 * collected while on screen loses its click handler.
 */
export function desktopNotificationSink(
  iconPath: string,
  focusWindow: () => void,
): NotificationSink & { readonly live: ReadonlySet<Notification> } {
  const live = new Set<Notification>();
  const sink: NotificationSink = (notification) => {
    if (!Notification.isSupported()) return;
    const shown = new Notification({
      title: notification.title,
      body: notification.body,
      icon: iconPath,
      urgency: notification.level === 'error' ? 'critical' : 'normal',
    });
    const release = () => live.delete(shown);
    shown.on('click', () => {
      release();
      focusWindow();
    });
    shown.on('close', release);
    shown.on('failed', release);
    live.add(shown);
    for (const oldest of live) {
      if (live.size <= MAX_LIVE_NOTIFICATIONS) break;
      live.delete(oldest);
    }
    shown.show();
  };
  return Object.assign(sink, { live });
}
