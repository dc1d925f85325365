import { BrowserWindow, nativeTheme } from 'electron';

import type { PageId } from '../../shared/domain/app-info';
import type { AppFiles } from './app-files';
import { appUrl } from './app-protocol';

/**
 * The one window: isolated, sandboxed, no Node, shown once painted so it never flashes white. It
 * loads the renderer from the app's own scheme (`app://traindeck/`, ./app-protocol), not file://.
 * `page` opens it straight on that page (read by the renderer from the hash): an event sent
 * before the page has loaded would be lost.
 */
export function createMainWindow(files: AppFiles, page?: PageId): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 620,
    show: false,
    title: 'TrainDeck',
    icon: files.icon,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#0f1420' : '#f6f7fb',
    webPreferences: {
      preload: files.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => {
    window.show();
    window.focus();
  });
  void window.loadURL(appUrl(page));
  return window;
}
