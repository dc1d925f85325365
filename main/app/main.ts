/**
 * The Electron shell's composition root: core (adapters → services → handlers) first,
 * then IPC, the window and the tray. Domain code never imports electron; only main/app does.
 */
import { app, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { appDataDir } from '../core/app-paths';
import { createCore } from '../core/create-core';
import { createLogger } from '../core/logger';
import { desktopNotificationSink } from './desktop-notifications';
import { registerIpc } from './ipc';
import { hardenApp } from './security';
import { electronPdfPrinter } from './pdf-printer';
import { createTray } from './tray';
import { appFiles, isRendererUrl } from './app-files';
import { safeStorageVault } from './safe-storage-vault';
import { createMainWindow } from './window';

// One TrainDeck per user: two would race on the journal and on teardown.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setPath('userData', appDataDir());
  void start();
}

async function start(): Promise<void> {
  const log = createLogger({ name: 'main' });
  const files = appFiles(__dirname);
  const projectRoot = join(__dirname, '..', '..');
  const core = createCore({
    transport: 'electron',
    log,
    projectRoot,
    electronVersion: process.versions.electron,
    // Saved run reports also get a PDF: a hidden window prints them (desktop only).
    pdfPrinter: electronPdfPrinter(),
    // SSE-C keys sealed with the OS keychain; the vault checks availability at use, after ready.
    keyVault: safeStorageVault(),
    isTrusted: (sender) =>
      sender.transport === 'electron' && sender.isMainWindow && isRendererUrl(sender.frameUrl, files),
  });

  await app.whenReady();
  let window: BrowserWindow | undefined;
  hardenApp(
    log,
    (contents, isMainFrame) =>
      isMainFrame && contents !== null && contents === window?.webContents && isRendererUrl(contents.getURL(), files),
  );

  const showWindow = () => {
    if (!window || window.isDestroyed()) window = createMainWindow(files);
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  registerIpc(core.router, core.bus, () => window);
  core.notifications.addSink(desktopNotificationSink(files.icon, showWindow));
  showWindow();

  const tray = createTray(join(projectRoot, 'assets'), core.jobs, core.bus, {
    showWindow,
    killAll: () => {
      showWindow();
      core.bus.emit('app.navigate', { page: 'costs' });
    },
    quit: () => app.quit(),
  });

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  // Closing the window keeps TrainDeck in the tray: a run being watched must not lose its watcher.
  app.on('window-all-closed', () => {
    // Having this listener is what stops Electron from quitting.
  });
  app.on('before-quit', () => tray.destroy());
}
