import { type BrowserWindow, ipcMain } from 'electron';

import { commandChannel, eventChannel } from '../../shared/ipc/channels';
import { COMMAND_NAMES } from '../../shared/ipc/contract';
import type { EventBus } from '../core/event-bus';
import type { Router } from '../core/router';

/**
 * The Electron transport: one `ipcMain.handle` per contract command, all through the
 * router, and every bus event forwarded to the main window. The only file that may
 * import `ipcMain`.
 */
export function registerIpc(router: Router, bus: EventBus, getWindow: () => BrowserWindow | undefined): () => void {
  for (const command of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(command), (event, payload: unknown) => {
      const window = getWindow();
      return router.handle(command, payload, {
        transport: 'electron',
        frameUrl: event.senderFrame?.url ?? '',
        isMainWindow:
          window !== undefined &&
          event.sender.id === window.webContents.id &&
          event.senderFrame === window.webContents.mainFrame,
      });
    });
  }
  const unsubscribe = bus.onAny((name, payload) => {
    const window = getWindow();
    if (window && !window.isDestroyed()) window.webContents.send(eventChannel(name), payload);
  });
  return () => {
    unsubscribe();
    for (const command of COMMAND_NAMES) ipcMain.removeHandler(commandChannel(command));
  };
}
