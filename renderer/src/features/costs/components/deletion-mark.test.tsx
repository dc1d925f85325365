// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import { render, screen } from '../../../testing/render';
import { DeletionMark } from './deletion-mark';

// Issue #17 (prices-ui, point 2): a resource a stopped run's own teardown deleted read "Deleted", as if the kill-all had.
describe('DeletionMark', () => {
  it('a resource already gone says so in words, and whose teardown deleted it in its title', () => {
    render(<DeletionMark status={{ state: 'gone', reason: "already deleted by run r-1's own teardown" }} />);
    const mark = screen.getByText('Already gone');
    expect(mark.getAttribute('title')).toBe("already deleted by run r-1's own teardown");
    expect(mark.className).toContain('deletion-mark--gone');
  });
});
