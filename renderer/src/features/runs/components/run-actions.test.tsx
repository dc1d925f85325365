// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';

import type { KillAllResult } from '../../../../../shared/domain/kill-all';
import { emptyRunSnapshot } from '../../../../../shared/domain/run';
import { render, screen, userEvent } from '../../../testing/render';
import { RunActions } from './run-actions';
import { teardownVerified } from './run-monitor';

const base = {
  sshCommand: undefined,
  tearingDown: false,
  canTearDown: true,
  onCopy: () => undefined,
  onTeardown: () => undefined,
};

describe('Stop training', () => {
  it('asks first and says what follows (push, verify, teardown); only the confirmation stops', async () => {
    const onStop = vi.fn();
    render(<RunActions {...base} canStop stopping={false} onStop={onStop} />);
    await userEvent.click(screen.getByRole('button', { name: 'Stop training' }));
    expect(onStop).not.toHaveBeenCalled();
    expect(screen.getByTestId('stop-consequence').textContent).toMatch(
      /pushed to S3 and verified, then the instance is torn down/,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Keep training' }));
    expect(onStop).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Stop training' }));
    await userEvent.click(screen.getByTestId('stop-confirm'));
    expect(onStop).toHaveBeenCalledTimes(1);
  });

  it("on the user's own machine nothing is torn down, and the sentence says so", async () => {
    render(<RunActions {...base} canTearDown={false} canStop stopping={false} onStop={() => undefined} />);
    await userEvent.click(screen.getByRole('button', { name: 'Stop training' }));
    expect(screen.getByTestId('stop-consequence').textContent).toContain('Your machine is left as it is.');
    expect(screen.getByTestId('stop-consequence').textContent).not.toContain('torn down');
  });

  it('"Stopping…" (busy, no second click) until main says the training ended; then no Stop at all', () => {
    const { rerender } = render(<RunActions {...base} canStop stopping onStop={() => undefined} />);
    const button = screen.getByTestId('stop-training');
    expect(button.textContent).toBe('Stopping…');
    expect(button.hasAttribute('disabled') || button.getAttribute('aria-busy') === 'true').toBe(true);
    rerender(<RunActions {...base} canStop={false} stopping onStop={() => undefined} />);
    expect(screen.queryByTestId('stop-training')).toBeNull();
  });
});

describe('Tear down now', () => {
  const run = emptyRunSnapshot('r', 'r', 'aws-ec2', '2026-12-05T15:00:00.000Z');
  const result = (survivors: number) => ({ survivors: Array.from({ length: survivors }, () => ({})) }) as KillAllResult;

  it('is gone once the teardown is verified: the run\'s own teardown succeeded, or "Tear down now" left nothing', () => {
    expect(teardownVerified(run, undefined)).toBe(false);
    expect(teardownVerified(run, result(1))).toBe(false);
    expect(teardownVerified(run, result(0))).toBe(true);
    const tornDown = { ...run, phases: { ...run.phases, 'tearing-down': { status: 'succeeded' as const } } };
    expect(teardownVerified(tornDown, undefined)).toBe(true);
  });
});
