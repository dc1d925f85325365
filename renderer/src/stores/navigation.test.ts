import { describe, expect, it } from 'vitest';
import type { PageId } from '../../../shared/domain/app-info';
import { useNavigation } from './navigation';

describe('navigation store', () => {
  it('switches pages and ignores ids it does not know (they may come from the wire)', () => {
    useNavigation.getState().navigate('costs');
    expect(useNavigation.getState().page).toBe('costs');
    useNavigation.getState().navigate('nowhere' as PageId);
    expect(useNavigation.getState().page).toBe('costs');
  });
});
