import { describe, expect, it } from 'vitest';

import type { PageId } from '../../../shared/domain/app-info';
import { initialPage, useNavigation } from './navigation';

describe('the page the window opens on', () => {
  it('is the one main asked for in the hash (the tray opening Costs with no window)', () => {
    expect(initialPage('#page=costs')).toBe('costs');
    expect(initialPage('page=runs')).toBe('runs');
    expect(initialPage('#token=abc&page=settings')).toBe('settings');
  });

  it('is Launch otherwise, and for any page it does not know', () => {
    for (const hash of ['', '#', '#page=', '#page=__proto__', '#page=toString', '#token=abc']) {
      expect(initialPage(hash), hash).toBe('launch');
    }
  });
});

describe('navigation store', () => {
  it('switches pages and ignores ids it does not know (they may come from the wire)', () => {
    useNavigation.getState().navigate('costs');
    expect(useNavigation.getState().page).toBe('costs');
    useNavigation.getState().navigate('nowhere' as PageId);
    expect(useNavigation.getState().page).toBe('costs');
  });
});
