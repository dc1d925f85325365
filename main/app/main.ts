/**
 * The Electron shell's composition root: core (adapters → services → handlers) first,
 * then IPC, the window and the tray. Domain code never imports electron; only main/app does.
 *
 * Startup order matters, and main-startup.test.ts checks it by running this bundle under a
 * stand-in `electron` module:
 * 1. the data folder becomes `userData` (and holds the logs when TRAINDECK_DATA_DIR is set)
 *    BEFORE the single-instance lock, whose key is derived from `userData`: so an instance with
 *    its own TRAINDECK_DATA_DIR (a test, a portable copy) does not collide with a running TrainDeck;
 * 2. the AppUserModelId (Windows shows no notification without it);
 * 3. the lock, then `second-instance` at once (a second launch during startup is not lost);
 * 4. `start()`, whose failure shows an error dialog and exits: never an invisible process
 *    holding the lock.
 * The `app://` scheme is registered as privileged before ready (Electron refuses it later), and
 * its handler is installed after ready, before the window loads `app://traindeck/`.
 */
import { join } from 'node:path';

import { app, type BrowserWindow, dialog, Menu, protocol, shell } from 'electron';

import type { PageId } from '../../shared/domain/app-info';
import { createCore } from '../composition/create-core';
import { appDataDir } from '../core/app-paths';
import { createLogger, type Logger } from '../core/logger';
import { pathAllowlist } from '../trust/path-allowlist';
import { appFiles } from './app-files';
import { appMenuTemplate } from './app-menu';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler, isRendererUrl } from './app-protocol';
import { desktopNotificationSink } from './desktop-notifications';
import { electronTrustGate } from './electron-trust';
import { registerIpc } from './ipc';
import { type LogFile, openLogFile } from './log-file';
import { followThemeSetting } from './native-theme';
import { electronPdfPrinter } from './pdf-printer';
import { recoverCrashedRenderer } from './renderer-recovery';
import { installRunLifecycle } from './run-lifecycle';
import { safeStorageVault } from './safe-storage-vault';
import { hardenApp } from './security';
import { createTray } from './tray';
import { probeStatusNotifierWatcher, trayHostVerdict } from './tray-host';
import { createMainWindow } from './window';

/** Matches `appId` in electron-builder.yml: Windows ties notifications and the taskbar to it. */
const APP_USER_MODEL_ID = 'dev.traindeck.app';

/** What the running shell offers to the code that outlives `start()`. */
interface DesktopShell {
  showWindow(page?: PageId): void;
}

let shellReady: DesktopShell | undefined;
let logFile: LogFile | undefined;

try {
  const dataDir = appDataDir();
  app.setPath('userData', dataDir);
  if (process.env.TRAINDECK_DATA_DIR) app.setAppLogsPath(join(dataDir, 'logs'));
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  // The renderer's own scheme (./app-protocol): Electron accepts privileges only before ready.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
  // One TrainDeck per data folder: two would race on the journal and on teardown.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
  } else {
    app.on('second-instance', () => shellReady?.showWindow());
    logFile = tryOpenLogFile(app.getPath('logs'));
    const log = createLogger({ name: 'main', write: teeToLogFile(logFile) });
    start(log, logFile?.path ?? 'stderr').then((ready) => (shellReady = ready), failStartup);
  }
} catch (error) {
  failStartup(error);
}

/** The log file, or none (stderr only) when its folder cannot be written: a log must not stop TrainDeck. */
function tryOpenLogFile(dir: string): LogFile | undefined {
  try {
    return openLogFile(dir);
  } catch (error) {
    process.stderr.write(`TrainDeck keeps no log file: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
}

/** Writes each log line to stderr and to the log file. */
function teeToLogFile(file: LogFile | undefined): (line: string) => void {
  return (line) => {
    process.stderr.write(line + '\n');
    file?.write(line);
  };
}

/** A startup that throws: say so in a dialog (stderr before `ready` on Linux), then exit. */
function failStartup(error: unknown): void {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/[.\s]+$/, '');
  const where = logFile ? ` The log is at ${logFile.path}.` : '';
  logFile?.write(JSON.stringify({ time: new Date().toISOString(), level: 'error', message: 'startup failed', reason }));
  dialog.showErrorBox(
    'TrainDeck could not start',
    `${reason}.${where} Fix the cause, then start TrainDeck again; runs already on an instance keep their time limit and are picked up at the next start.`,
  );
  app.exit(1);
}

async function start(log: Logger, logPath: string): Promise<DesktopShell> {
  const files = appFiles(__dirname);
  const projectRoot = join(__dirname, '..', '..');
  const keyVault = safeStorageVault();
  let window: BrowserWindow | undefined;
  // Dialogs are modal to the window when it exists: the user sees which app asks.
  const parent = () => (window && !window.isDestroyed() ? window : undefined);
  const trust = electronTrustGate({
    appData: pathAllowlist([app.getPath('userData')]),
    dialogs: {
      showMessageBox: (options) => {
        const owner = parent();
        return owner ? dialog.showMessageBox(owner, options) : dialog.showMessageBox(options);
      },
      showSaveDialog: (options) => {
        const owner = parent();
        return owner ? dialog.showSaveDialog(owner, options) : dialog.showSaveDialog(options);
      },
      showOpenDialog: (options) => {
        const owner = parent();
        return owner ? dialog.showOpenDialog(owner, options) : dialog.showOpenDialog(options);
      },
    },
  });
  const core = createCore({
    trust,
    transport: 'electron',
    log,
    projectRoot,
    electronVersion: process.versions.electron,
    // Saved run reports also get a PDF: a hidden window prints them (desktop only).
    pdfPrinter: electronPdfPrinter(),
    // SSE-C keys sealed with the OS keychain; the vault checks availability at use, after ready.
    keyVault,
    isTrusted: (sender) => sender.transport === 'electron' && sender.isMainWindow && isRendererUrl(sender.frameUrl),
  });

  await app.whenReady();
  // Before the window: its background colour is picked from the theme in force.
  followThemeSetting(core.settings);
  hardenApp(
    log,
    (contents, isMainFrame) =>
      isMainFrame && contents !== null && contents === window?.webContents && isRendererUrl(contents.getURL()),
  );
  // The window loads app://traindeck/, served from the built renderer folder only (never file://).
  protocol.handle(APP_SCHEME, appProtocolHandler(files.rendererRoot));

  /** Shows the window, on `page` when given; a new window is shown by itself once painted. */
  const showWindow = (page?: PageId) => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow(files, page);
      recoverCrashedRenderer(window, log, logPath);
      return;
    }
    if (page) core.bus.emit('app.navigate', { page });
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({
        platform: process.platform,
        isPackaged: app.isPackaged,
        showWindow: () => showWindow(),
        openCosts: () => showWindow('costs'),
        openLogFolder: () => void shell.openPath(app.getPath('logs')),
      }),
    ),
  );
  registerIpc(core.router, core.bus, () => window);
  core.notifications.addSink(desktopNotificationSink(files.icon, () => showWindow()));
  showWindow();

  const tray = createTray(join(projectRoot, 'assets'), core.jobs, core.bus, {
    showWindow: () => showWindow(),
    killAll: () => showWindow('costs'),
    quit: () => app.quit(),
  });

  app.on('activate', () => showWindow());
  // Closing the window keeps TrainDeck in the tray: a run being watched must not lose its watcher.
  // Unless no tray icon can be seen (stock GNOME): then an invisible process would be left behind.
  app.on('window-all-closed', () => void quitWithoutTrayHost(log));
  // Quit, logout and shutdown with runs or jobs going on ask first; wake and network return reconnect;
  // an error nobody caught stops every run that may bill, says why and exits 1.
  installRunLifecycle(core, showWindow, log);
  app.on('will-quit', () => tray.destroy());
  app.on('will-quit', () => logFile?.close());
  log.info('started', { version: app.getVersion(), userData: app.getPath('userData'), log: logPath });
  // One real encryption now, so that the first key the user creates already knows where it goes.
  void keyVault.status().then((status) => log.info('key storage', { ...status }));
  return { showWindow };
}

/** Quits when the desktop shows no tray icon (see ./tray-host for how that is decided). */
async function quitWithoutTrayHost(log: Logger): Promise<void> {
  const watcherOwned = process.platform === 'linux' ? await probeStatusNotifierWatcher() : undefined;
  const verdict = trayHostVerdict({
    platform: process.platform,
    watcherOwned,
    currentDesktop: process.env.XDG_CURRENT_DESKTOP,
  });
  if (verdict.visible) return;
  log.info('the window was closed and no tray icon can be seen: quitting', { why: verdict.why });
  app.quit();
}
