import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { AppNotification } from '../../../shared/domain/notification';
import { MAX_TOASTS, useNotifications } from './notifications';

const note = (id: string, level: AppNotification['level'] = 'info'): AppNotification => ({
  id,
  level,
  title: id,
  body: '',
  at: '2025-01-01T00:00:00.000Z',
});

beforeEach(() => {
  vi.useFakeTimers();
  useNotifications.setState({ toasts: [] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('notifications store', () => {
  it(`keeps at most ${MAX_TOASTS}, dropping the oldest`, () => {
    for (const id of ['1', '2', '3', '4', '5']) useNotifications.getState().push(note(id));
    expect(useNotifications.getState().toasts.map((t) => t.id)).toEqual(['2', '3', '4', '5']);
  });

  it('dismisses by itself, errors later than info', () => {
    useNotifications.getState().push(note('info'));
    useNotifications.getState().push(note('error', 'error'));
    vi.advanceTimersByTime(7_000);
    expect(useNotifications.getState().toasts.map((t) => t.id)).toEqual(['error']);
    vi.advanceTimersByTime(10_000);
    expect(useNotifications.getState().toasts).toEqual([]);
  });

  it('dismisses on request', () => {
    useNotifications.getState().push(note('a'));
    useNotifications.getState().dismiss('a');
    expect(useNotifications.getState().toasts).toEqual([]);
  });
});
