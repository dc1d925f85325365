import { nativeTheme } from 'electron';

import type { AppSettings } from '../../shared/domain/settings';

/** What the theme follows: main's settings store. */
interface ThemeSettings {
  current(): AppSettings;
  onChange(listener: (settings: AppSettings) => void): () => void;
}

/**
 * Hands the Settings page's theme (system, light, dark) to Electron: the native parts (title bar,
 * menus, dialogs, scrollbars), the window's background before it paints and the page's
 * `prefers-color-scheme` then agree with the page's own colours. At start and on every change.
 */
export function followThemeSetting(settings: ThemeSettings): () => void {
  nativeTheme.themeSource = settings.current().theme;
  return settings.onChange(({ theme }) => {
    if (nativeTheme.themeSource !== theme) nativeTheme.themeSource = theme;
  });
}
