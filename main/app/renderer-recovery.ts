import { type BrowserWindow, dialog } from 'electron';

import type { Logger } from '../core/logger';
import { crashBudget } from './crash-budget';

const MAX_RELOADS = 3;
const RELOAD_WINDOW_MS = 60_000;

/**
 * Reloads the window's page when its renderer process dies (a GPU or OOM crash would otherwise
 * leave a blank window over a run that is still going). At most three reloads a minute: past
 * that the page crashes as it loads, so the user is told instead of a reload loop.
 */
export function recoverCrashedRenderer(window: BrowserWindow, log: Logger, logPath: string, now = Date.now): void {
  const mayReload = crashBudget({ max: MAX_RELOADS, windowMs: RELOAD_WINDOW_MS });
  window.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit' || window.isDestroyed()) return;
    const reload = mayReload(now());
    log.error('the window crashed', { reason: details.reason, exitCode: details.exitCode, reload });
    if (reload) {
      window.webContents.reload();
      return;
    }
    dialog.showErrorBox(
      'The TrainDeck window keeps crashing',
      `Its page stopped ${MAX_RELOADS} times within a minute (${details.reason}), so it is not reloaded again; runs go on in the background. Close the window and open it again from the tray, and if it happens again, send the log at ${logPath}.`,
    );
  });
}
