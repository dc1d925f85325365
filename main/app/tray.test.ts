import { describe, expect, it, vi } from 'vitest';

import type { JobSnapshot } from '../../shared/domain/job';
import { EventBus } from '../core/event-bus';
import type { JobRunner } from '../core/jobs';
import type { ElectronStandIn } from './testing/electron-stand-in';

// A stand-in, not Electron (see ./testing/electron-stand-in): records what the tray asks for.
const standIn = vi.hoisted(() => ({ current: undefined as unknown }));
vi.mock('electron', async () => {
  const { createElectronStandIn: create } = await import('./testing/electron-stand-in');
  const made = create();
  made.becomeReady();
  standIn.current = made;
  return made.electron;
});
const { createTray, trayIcon } = await import('./tray');
const { desktopNotificationSink, MAX_LIVE_NOTIFICATIONS } = await import('./desktop-notifications');
const recorder = () => standIn.current as ElectronStandIn;

const running = (step: string): JobSnapshot => ({
  jobId: 'j',
  kind: 'run',
  title: 'Run resnet',
  state: 'running',
  step,
  lastSeq: 1,
  startedAt: '2026-01-01T00:00:00Z',
});

describe('the tray (stand-in electron)', () => {
  it('uses template images on macOS and the coloured icons elsewhere', () => {
    const mac = trayIcon('/app/assets', 'active', 'darwin') as unknown as { path: string; template: boolean };
    expect(mac).toMatchObject({ path: '/app/assets/tray/mac/activeTemplate.png', template: true });
    const linux = trayIcon('/app/assets', 'active', 'linux') as unknown as { path: string; template: boolean };
    expect(linux).toMatchObject({ path: '/app/assets/tray/tray-active-16.png', template: false });
  });

  it('updates the tooltip on each step but rebuilds the menu only when the job changes', () => {
    let jobs: JobSnapshot[] = [running('checkout')];
    const bus = new EventBus();
    createTray('/app/assets', { list: () => jobs } as unknown as JobRunner, bus, {
      showWindow: () => undefined,
      killAll: () => undefined,
      quit: () => undefined,
    });
    const count = (name: string) => recorder().calls.filter(([call]) => call === name).length;
    const menus = count('tray.setContextMenu');
    for (const step of ['pulling', 'training', 'pushing']) {
      jobs = [running(step)];
      bus.emit('jobs.event', { jobId: 'j', seq: 2, type: 'step', step } as never);
    }
    expect(count('tray.setContextMenu')).toBe(menus);
    expect(
      recorder()
        .calls.filter(([call]) => call === 'tray.setToolTip')
        .at(-1),
    ).toEqual(['tray.setToolTip', 'TrainDeck — Run resnet — pushing']);
    jobs = [{ ...running('pushing'), state: 'succeeded' }];
    bus.emit('jobs.event', { jobId: 'j', seq: 3, type: 'finished' } as never);
    expect(count('tray.setContextMenu')).toBe(menus + 1);
  });
});

describe('desktop notifications (stand-in electron)', () => {
  it('keeps each notification referenced until clicked or closed, and at most a bounded number', () => {
    const focus = vi.fn();
    const sink = desktopNotificationSink('/icon.png', focus);
    const note = (i: number) => ({ id: `n${i}`, level: 'info' as const, title: `t${i}`, body: '', at: '' });
    sink(note(0));
    expect(sink.live.size).toBe(1);
    const [first] = recorder().notifications.slice(-1);
    first!.emit('click');
    expect(focus).toHaveBeenCalled();
    expect(sink.live.size).toBe(0);
    for (let i = 1; i <= MAX_LIVE_NOTIFICATIONS + 5; i++) sink(note(i));
    expect(sink.live.size).toBe(MAX_LIVE_NOTIFICATIONS);
    recorder().notifications.at(-1)!.emit('close');
    expect(sink.live.size).toBe(MAX_LIVE_NOTIFICATIONS - 1);
  });
});
