import { describe, expect, it } from 'vitest';

import { trayHostVerdict } from './tray-host';

const visible = (platform: NodeJS.Platform, watcherOwned: boolean | undefined, currentDesktop?: string) =>
  trayHostVerdict({ platform, watcherOwned, currentDesktop }).visible;

describe('whether the tray icon is visible (closing the window must not leave an invisible TrainDeck)', () => {
  it('is always visible on macOS and Windows', () => {
    expect(visible('darwin', undefined)).toBe(true);
    expect(visible('win32', false)).toBe(true);
  });

  it('on Linux, a StatusNotifierWatcher decides', () => {
    expect(visible('linux', true, 'GNOME')).toBe(true);
    expect(visible('linux', false, 'GNOME')).toBe(false);
    expect(visible('linux', false, 'ubuntu:GNOME')).toBe(false);
  });

  it('without a watcher, desktops other than GNOME still show XEmbed icons', () => {
    expect(visible('linux', false, 'XFCE')).toBe(true);
    expect(visible('linux', false, undefined)).toBe(true);
  });

  it('when D-Bus cannot be asked, stock GNOME is invisible and Ubuntu GNOME (AppIndicator built in) visible', () => {
    expect(visible('linux', undefined, 'GNOME')).toBe(false);
    expect(visible('linux', undefined, 'GNOME-Classic:GNOME')).toBe(false);
    expect(visible('linux', undefined, 'ubuntu:GNOME')).toBe(true);
    expect(visible('linux', undefined, 'KDE')).toBe(true);
  });
});
