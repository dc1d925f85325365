import { execFile } from 'node:child_process';

/** Whether a tray icon will be visible, and why we think so (logged, and shown in the README's terms). */
export interface TrayHostVerdict {
  visible: boolean;
  why: string;
}

/**
 * Electron has no API that says whether its tray icon is visible. On Linux it registers a
 * StatusNotifierItem when a StatusNotifierWatcher owns its D-Bus name (KDE, Ubuntu's GNOME with
 * its AppIndicator extension, Cinnamon, XFCE's plugin…), and otherwise falls back to an XEmbed
 * icon, which GNOME Shell (3.26 and later) no longer shows. So: macOS and Windows always have a
 * tray; on Linux, a watcher means visible; no watcher means invisible on GNOME and visible
 * elsewhere (XEmbed). When D-Bus cannot be asked, plain GNOME counts as invisible (stock GNOME
 * has no tray host) and every other desktop, Ubuntu's GNOME included, as visible.
 */
export function trayHostVerdict(input: {
  platform: NodeJS.Platform;
  /** Whether org.kde.StatusNotifierWatcher has an owner; undefined when D-Bus could not be asked. */
  watcherOwned: boolean | undefined;
  /** XDG_CURRENT_DESKTOP, e.g. "GNOME", "ubuntu:GNOME", "KDE". */
  currentDesktop: string | undefined;
}): TrayHostVerdict {
  if (input.platform !== 'linux') return { visible: true, why: `${input.platform} always has a tray` };
  const desktops = (input.currentDesktop ?? '').split(':').map((name) => name.trim().toLowerCase());
  const gnome = desktops.includes('gnome');
  if (input.watcherOwned === true) return { visible: true, why: 'a StatusNotifierWatcher is running' };
  if (input.watcherOwned === false) {
    return gnome
      ? { visible: false, why: 'GNOME without a StatusNotifierWatcher (no AppIndicator extension)' }
      : { visible: true, why: 'no StatusNotifierWatcher, but this desktop shows XEmbed tray icons' };
  }
  if (gnome && !desktops.includes('ubuntu')) {
    return { visible: false, why: 'GNOME, and D-Bus could not be asked for a StatusNotifierWatcher' };
  }
  return { visible: true, why: 'D-Bus could not be asked; assumed this desktop has a tray' };
}

/** Asks the session bus whether a StatusNotifierWatcher runs (`gdbus`, 2 s); undefined when it cannot tell. */
export function probeStatusNotifierWatcher(timeoutMs = 2_000): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    execFile(
      'gdbus',
      [
        'call',
        '--session',
        '--dest',
        'org.freedesktop.DBus',
        '--object-path',
        '/org/freedesktop/DBus',
        '--method',
        'org.freedesktop.DBus.NameHasOwner',
        'org.kde.StatusNotifierWatcher',
      ],
      { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' },
      (error: Error | null, stdout: string) => {
        if (error) return resolve(undefined);
        resolve(/\btrue\b/.test(stdout) ? true : /\bfalse\b/.test(stdout) ? false : undefined);
      },
    );
  });
}
