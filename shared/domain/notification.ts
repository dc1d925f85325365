/** How loud a notification is; `error` also goes to the tray and the OS. */
export type NotificationLevel = 'info' | 'success' | 'warning' | 'error';

/** A message for the user, shown as an OS notification (Electron) and in the page. */
export interface AppNotification {
  id: string;
  level: NotificationLevel;
  title: string;
  body: string;
  /** ISO time it was raised. */
  at: string;
}
