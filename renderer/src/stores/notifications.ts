import { create } from 'zustand';

import type { AppNotification, NotificationLevel } from '../../../shared/domain/notification';

/** More than this many toasts is noise; the oldest goes first. */
export const MAX_TOASTS = 4;

/** Errors stay longer: they are the ones a user must not miss. */
const DISMISS_AFTER_MS: Record<NotificationLevel, number> = {
  info: 6_000,
  success: 6_000,
  warning: 10_000,
  error: 16_000,
};

const timers = new Map<string, ReturnType<typeof setTimeout>>();

interface NotificationsStore {
  toasts: AppNotification[];
  push(notification: AppNotification): void;
  dismiss(id: string): void;
}

/** In-page toasts raised by `app.notification`. */
export const useNotifications = create<NotificationsStore>()((set, get) => ({
  toasts: [],

  push: (notification) => {
    const others = get().toasts.filter((toast) => toast.id !== notification.id);
    const toasts = [...others, notification];
    for (const dropped of toasts.splice(0, Math.max(0, toasts.length - MAX_TOASTS))) clearTimer(dropped.id);
    set({ toasts });
    clearTimer(notification.id);
    timers.set(
      notification.id,
      setTimeout(() => get().dismiss(notification.id), DISMISS_AFTER_MS[notification.level]),
    );
  },

  dismiss: (id) => {
    clearTimer(id);
    set({ toasts: get().toasts.filter((toast) => toast.id !== id) });
  },
}));

function clearTimer(id: string): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
}
