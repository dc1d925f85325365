import { Menu, nativeImage, Tray } from 'electron';
import { join } from 'node:path';
import type { JobRunner } from '../core/jobs';
import type { EventBus } from '../core/event-bus';
import { trayStatus, type TrayStatus } from './tray-status';

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

/** The tray icon: current run status at a glance, and "Kill all cost resources" one click away. */
export function createTray(
  assetsDir: string,
  jobs: JobRunner,
  bus: EventBus,
  actions: TrayActions,
): { destroy(): void } {
  const tray = new Tray(nativeImage.createFromPath(join(assetsDir, 'tray', ICON_FILES.idle)));
  tray.setToolTip('TrainDeck');
  tray.on('click', actions.showWindow);

  let shown: TrayStatus | undefined;
  const refresh = () => {
    const status = trayStatus(jobs.list());
    if (shown && shown.icon === status.icon && shown.label === status.label) return;
    shown = status;
    tray.setImage(nativeImage.createFromPath(join(assetsDir, 'tray', ICON_FILES[status.icon])));
    tray.setToolTip(`TrainDeck — ${status.label}`);
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
