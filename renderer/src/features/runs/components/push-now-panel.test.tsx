// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';

import { render, screen, userEvent } from '../../../testing/render';
import { PushNowPanel, pushNowSummary } from './push-now-panel';

const NOW = Date.parse('2026-12-05T12:00:00Z');

describe('Push checkpoints now', () => {
  it('pushes on click and shows the age of the newest checkpoint in S3', async () => {
    const onPush = vi.fn();
    render(<PushNowPanel state={{ busy: false, newestAt: '2026-12-05T11:55:00Z' }} now={NOW} onPush={onPush} />);
    expect(screen.getByTestId('push-now-age').textContent).toBe('Newest checkpoint in S3: 5 min ago');
    await userEvent.click(screen.getByRole('button', { name: 'Push checkpoints now' }));
    expect(onPush).toHaveBeenCalledOnce();
  });

  it('says when S3 has no checkpoint yet, and when nothing was asked yet', () => {
    const { rerender } = render(<PushNowPanel state={undefined} now={NOW} onPush={() => undefined} />);
    expect(screen.getByTestId('push-now-age').textContent).toBe('Newest checkpoint in S3: not checked yet');
    rerender(<PushNowPanel state={{ busy: false, newestAt: null }} now={NOW} onPush={() => undefined} />);
    expect(screen.getByTestId('push-now-age').textContent).toBe('No checkpoint in S3 yet');
  });

  it('says what moved and what was still being written, in one sentence', () => {
    const report = {
      folders: ['checkpoints' as const],
      uploaded: 2,
      bytes: 10,
      skipped: [{ folder: 'checkpoints', relPath: 'epoch-3.ckpt', reason: 'still being written' }],
      failures: [],
    };
    expect(pushNowSummary(report)).toBe(
      '2 files pushed; 1 still being written (epoch-3.ckpt) will go on the next push.',
    );
    expect(pushNowSummary({ ...report, uploaded: 1, skipped: [] })).toBe('1 file pushed.');
  });
});
