import { join } from 'node:path';

import { Menu, type NativeImage, nativeImage, Tray } from 'electron';

import type { EventBus } from '../core/event-bus';
import type { JobRunner } from '../core/jobs';
import { menuChanged, type TrayStatus, trayStatus } from './tray-status';

/** What the tray's menu items do; the composition root wires them to the window. */
export interface TrayActions {
  showWindow(): void;
  killAll(): void;
  quit(): void;
}

const ICON_FILES: Record<TrayStatus['icon'], string> = {
  idle: 'tray-16.png',
  active: 'tray-active-16.png',
  alert: 'tray-alert-16.png',
};

/**
 * macOS draws menu bar icons from template images (black and alpha, tinted for light and dark
 * menu bars and the highlighted state); a coloured icon looks foreign there and vanishes on
 * some wallpapers. The "Template" suffix is what Electron and macOS look for.
 */
const MAC_TEMPLATE_FILES: Record<TrayStatus['icon'], string> = {
  idle: join('mac', 'idleTemplate.png'),
  active: join('mac', 'activeTemplate.png'),
  alert: join('mac', 'alertTemplate.png'),
};

/** The tray icon image for a status on `platform` (template images on macOS). */
export function trayIcon(assetsDir: string, icon: TrayStatus['icon'], platform: NodeJS.Platform): NativeImage {
  const files = platform === 'darwin' ? MAC_TEMPLATE_FILES : ICON_FILES;
  const image = nativeImage.createFromPath(join(assetsDir, 'tray', files[icon]));
  if (platform === 'darwin') image.setTemplateImage(true);
  return image;
}

/** The tray icon: current run status at a glance, and "Kill all cost resources" one click away. */
export function createTray(
  assetsDir: string,
  jobs: JobRunner,
  bus: EventBus,
  actions: TrayActions,
  platform: NodeJS.Platform = process.platform,
): { destroy(): void } {
  const tray = new Tray(trayIcon(assetsDir, 'idle', platform));
  tray.setToolTip('TrainDeck');
  tray.on('click', actions.showWindow);

  let shown: TrayStatus | undefined;
  const refresh = () => {
    const status = trayStatus(jobs.list());
    if (shown?.tooltip !== status.tooltip) tray.setToolTip(status.tooltip);
    // Only when the icon or the status line changes: a step's text goes to the tooltip alone.
    if (menuChanged(shown, status)) {
      if (shown?.icon !== status.icon) tray.setImage(trayIcon(assetsDir, status.icon, platform));
      tray.setContextMenu(
        Menu.buildFromTemplate([
          { label: 'Show TrainDeck', click: actions.showWindow },
          { type: 'separator' },
          { label: status.label, enabled: false },
          { type: 'separator' },
          { label: 'Kill all cost resources…', click: actions.killAll },
          { type: 'separator' },
          { label: 'Quit TrainDeck', click: actions.quit },
        ]),
      );
    }
    shown = status;
  };
  refresh();
  const unsubscribe = bus.on('jobs.event', refresh);
  return {
    destroy() {
      unsubscribe();
      tray.destroy();
    },
  };
}
