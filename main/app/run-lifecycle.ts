/**
 * The desktop's side of a run's life beyond the window: the quit guard on quit, logout and
 * shutdown; reconnecting at once on wake from sleep and when the network returns; optionally
 * keeping the computer awake while a run is active; the fatal guard for an error nobody caught.
 * The decisions live in electron-free modules (quit-guard.ts, quit-work.ts, fatal-guard.ts,
 * RunService.wake); this file only binds them to Electron.
 */
import { app, BrowserWindow, dialog, net, powerMonitor, powerSaveBlocker } from 'electron';

import type { PageId } from '../../shared/domain/app-info';
import type { Core } from '../composition/create-core';
import type { Logger } from '../core/logger';
import { holdsCloudResources } from '../runs/run-guard';
import { fatalGuard, installFatalGuard, teardownThroughJob } from './fatal-guard';
import { createQuitGuard, QUIT_CHOICES } from './quit-guard';
import { quitWork } from './quit-work';

// How often the network is checked while runs go on (Electron has no "online" event in main).
const NETWORK_CHECK_MS = 15_000;

/** Installs the guard and the wake sources; `showWindow` brings the window up on a page (the runs, for progress). */
export function installRunLifecycle(core: Core, showWindow: (page: PageId) => void, log: Logger): void {
  const work = quitWork(core.runs, core.jobs);
  // An error nobody caught: every run that may bill is stopped (or torn down by tag), the user is told, exit 1.
  installFatalGuard(
    process,
    fatalGuard({
      log,
      activeRuns: () => core.runs.active().map(({ snapshot }) => snapshot.runId),
      stopAll: (progress) => work.stopAll(progress),
      holdsCloudResources: (runId) => holdsCloudResources(core.runs.get(runId)),
      teardown: (runId, signal) => teardownThroughJob(core.teardownRun, core.jobs, runId, signal),
      tell: (title, body) => dialog.showErrorBox(title, body),
      exit: (code) => app.exit(code),
    }),
  );
  const guard = createQuitGuard({
    activeWork: () => work.activeWork(),
    ask: async (question) => {
      const window = BrowserWindow.getAllWindows()[0];
      const options = { type: 'warning' as const, defaultId: 0, cancelId: 0, noLink: true, ...question };
      const { response } = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
      return QUIT_CHOICES[response] ?? 'keep-in-tray';
    },
    keepInTray: () => BrowserWindow.getAllWindows().forEach((window) => window.hide()),
    stopAll: (progress) => {
      showWindow('runs');
      return work.stopAll(progress);
    },
    progress: (line) => BrowserWindow.getAllWindows().forEach((window) => window.setTitle(`TrainDeck — ${line}`)),
    noteLeftRunning: (left) => work.noteLeftRunning(left),
    quit: () => app.quit(),
  });
  app.on('before-quit', (event) => guard.beforeQuit(event));
  // Logout/shutdown: Windows asks each window first; Linux and macOS tell powerMonitor.
  app.on('browser-window-created', (_event, window) => window.on('query-session-end', () => guard.sessionEnding()));
  powerMonitor.on('shutdown', () => guard.sessionEnding());

  // A laptop that slept: the follow's connection is probably dead; retry at once instead of in 45 s.
  powerMonitor.on('resume', () => core.runs.wake());
  powerMonitor.on('unlock-screen', () => core.runs.wake());
  let online = net.isOnline();
  const network = setInterval(() => {
    const now = net.isOnline();
    if (now && !online) core.runs.wake();
    online = now;
  }, NETWORK_CHECK_MS);
  network.unref();

  // TRAINDECK_KEEP_AWAKE=1: the computer does not sleep while a run is active (off by default).
  if (process.env.TRAINDECK_KEEP_AWAKE === '1') {
    let blocker: number | undefined;
    core.bus.on('runs.event', () => {
      const active = core.runs.active().length > 0;
      if (active && blocker === undefined) blocker = powerSaveBlocker.start('prevent-app-suspension');
      if (!active && blocker !== undefined) {
        powerSaveBlocker.stop(blocker);
        blocker = undefined;
      }
    });
  }
}
