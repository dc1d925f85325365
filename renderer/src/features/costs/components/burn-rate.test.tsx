// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import { render, screen } from '../../../testing/render';
import { BurnRate } from './burn-rate';

const facts = { dollarsPerHour: 1.5, regionsScanned: 3, resourcesFound: 4, lastScan: 'just now' };

describe('Costs: the spend rate says when it is an upper bound', () => {
  it('names how many figures are at most, and that the total is then at most too', () => {
    render(<BurnRate {...facts} pricesNote="AWS prices of eu-west-1 fetched 2026-12-05." upperBoundCount={1} />);
    expect(screen.getByText(/One figure is an upper bound/).textContent).toBe(
      "Across every readable region; AWS prices of eu-west-1 fetched 2026-12-05. One figure is an upper bound (≤ in the table: a spot instance priced on-demand or at its region's dearest zone), so the total is at most this.",
    );
  });

  it('says nothing of bounds when every figure is a price', () => {
    render(<BurnRate {...facts} upperBoundCount={0} />);
    expect(screen.getByText(/Across every readable region/).textContent).not.toMatch(/upper bound/);
  });
});
