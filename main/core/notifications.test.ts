import { describe, expect, it } from 'vitest';

import type { AppNotification } from '../../shared/domain/notification';
import { EventBus } from './event-bus';
import { NotificationService } from './notifications';

describe('NotificationService', () => {
  it('sends every notification to the page and to each sink, with a time from the clock', () => {
    const bus = new EventBus();
    const onPage: AppNotification[] = [];
    const onDesktop: AppNotification[] = [];
    bus.on('app.notification', (n) => onPage.push(n));
    const service = new NotificationService(bus, { now: () => Date.UTC(2026, 0, 2) });
    service.addSink((n) => onDesktop.push(n));
    service.notify('success', 'Training finished', 'exit 0 after 2 h');
    expect(onPage).toEqual(onDesktop);
    expect(onPage[0]).toMatchObject({ level: 'success', title: 'Training finished', at: '2026-01-02T00:00:00.000Z' });
  });

  it('keeps going when a sink throws (the OS refusing a notification fails nothing)', () => {
    const bus = new EventBus();
    const onPage: AppNotification[] = [];
    bus.on('app.notification', (n) => onPage.push(n));
    const service = new NotificationService(bus);
    service.addSink(() => {
      throw new Error('no notification daemon');
    });
    expect(() => service.notify('error', 'Stalled', 'no log line for 10 min')).not.toThrow();
    expect(onPage).toHaveLength(1);
  });
});
