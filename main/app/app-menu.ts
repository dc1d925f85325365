import type { MenuItemConstructorOptions } from 'electron';

/** What the app menu depends on. */
export interface AppMenuOptions {
  platform: NodeJS.Platform;
  /** A packaged release: no developer tools, no reload. */
  isPackaged: boolean;
  showWindow(): void;
  openCosts(): void;
  openLogFolder(): void;
}

/**
 * The application menu. Electron's default one ships Toggle Developer Tools and links to
 * electronjs.org; a release build has neither. Roles keep the standard shortcuts (copy, paste,
 * quit), so text fields and Cmd+Q behave as users expect. Pure: tested without Electron.
 */
export function appMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    ...(options.isPackaged ? [] : [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
    ...(options.isPackaged ? [] : [{ type: 'separator' as const }]),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Show TrainDeck', click: options.showWindow },
        { label: 'Kill all cost resources…', click: options.openCosts },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit', label: 'Quit TrainDeck' },
      ],
    },
    { role: 'editMenu' },
    { label: '&View', submenu: view },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Open the log folder', click: options.openLogFolder }] },
  ];
}
