// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import type { RunAttempt } from '../../../../../shared/report/run-attempts';
import { render, screen } from '../../../testing/render';
import { AttemptsTimeline } from './attempts-timeline';

const START = Date.parse('2026-12-05T15:00:00.000Z');
const at = (min: number) => new Date(START + min * 60_000).toISOString();
const first: RunAttempt = {
  attempt: 1,
  instanceId: 'i-0aaa',
  instanceType: 'g5.xlarge',
  zone: 'eu-west-1a',
  market: 'spot',
  startedAt: at(0),
  endedAt: at(42),
  end: 'interrupted',
  costUsd: 0.34,
};
const second: RunAttempt = {
  attempt: 2,
  instanceId: 'i-0bbb',
  instanceType: 'g5.xlarge',
  zone: 'eu-west-1b',
  market: 'spot',
  startedAt: at(45),
};

describe('AttemptsTimeline', () => {
  it('says each attempt in words in launch order: zone, market, duration, why it ended, running', () => {
    render(<AttemptsTimeline attempts={[second, first]} now={START + 75 * 60_000} />);
    const items = screen.getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'Attempt 1 · eu-west-1a · spot42 min · spot interruptiong5.xlarge · i-0aaa · $0.340',
      'Attempt 2 · eu-west-1b · spot30 min · runningg5.xlarge · i-0bbb · cost when it ends',
    ]);
    expect(screen.getByTestId('attempts-lead').textContent).toBe(
      '2 launches · 1 spot interruption · ended attempts $0.340, the running one priced when it ends',
    );
  });

  it('an ended attempt without a price is "unknown", never $0', () => {
    const { costUsd: _c, ...unpriced } = first;
    render(
      <AttemptsTimeline attempts={[unpriced, { ...second, endedAt: at(90), end: 'finished', costUsd: 1 }]} now={0} />,
    );
    expect(screen.getByTestId('attempt-1').textContent).toContain('cost unknown');
    expect(screen.getByTestId('attempts-lead').textContent).toContain('cost together unknown');
    expect(screen.getByTestId('run-attempts').textContent).not.toContain('$0.00');
  });

  it('is not shown for a run launched once that finished or still runs, nor without attempts', () => {
    const { container: none } = render(<AttemptsTimeline attempts={undefined} now={START} />);
    expect(none.textContent).toBe('');
    const { container: one } = render(<AttemptsTimeline attempts={[second]} now={START} />);
    expect(one.textContent).toBe('');
  });
});
