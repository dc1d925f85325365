import type { Theme } from '../../shared/domain/settings';

// The last theme main answered, kept by the page so the next start paints in it before main answers.
const CACHE_KEY = 'traindeck.theme';

/**
 * Applies a theme at once: "system" leaves color-scheme to the OS, light and dark pin it
 * (tokens.css picks every color with light-dark()). Main stores the choice; this only shows it.
 */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(CACHE_KEY, theme);
  } catch {
    // Storage refused (private mode, a quota): the theme still applies, only the next first paint follows the OS.
  }
}

/** Paints the page in the theme of the last session until main answers with the saved one. */
export function applyCachedTheme(): void {
  try {
    const cached = localStorage.getItem(CACHE_KEY);
    if (cached === 'light' || cached === 'dark') document.documentElement.dataset.theme = cached;
  } catch {
    // No storage: the OS theme until main answers.
  }
}
