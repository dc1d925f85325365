import { randomUUID } from 'node:crypto';

import type { AppNotification, NotificationLevel } from '../../shared/domain/notification';
import { type Clock, isoNow, systemClock } from './clock';
import type { EventBus } from './event-bus';

/** Where a notification may go besides the window: the OS (Electron), a test recorder… */
export type NotificationSink = (notification: AppNotification) => void;

/**
 * The one way services tell the user something. Every notification reaches the page
 * (as `app.notification`); sinks add the OS notification in the desktop app.
 */
export class NotificationService {
  private readonly sinks = new Set<NotificationSink>();

  constructor(
    private readonly bus: EventBus,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Adds a sink; returns the function that removes it. */
  addSink(sink: NotificationSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** Raises a notification and returns it. */
  notify(level: NotificationLevel, title: string, body: string): AppNotification {
    const notification: AppNotification = { id: randomUUID(), level, title, body, at: isoNow(this.clock) };
    this.bus.emit('app.notification', notification);
    for (const sink of this.sinks) {
      try {
        sink(notification);
      } catch {
        // The OS refusing a notification must not fail the work that raised it.
      }
    }
    return notification;
  }
}
