import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { copyText } from './copy-text';
import { useNotifications } from './notifications';

beforeEach(() => {
  vi.useFakeTimers();
  useNotifications.setState({ toasts: [] });
});
afterEach(() => vi.useRealTimers());

describe('copyText (every Copy button)', () => {
  it('writes the text and says "Copied"', async () => {
    const writeText = vi.fn(async () => undefined);
    expect(await copyText('ssh -i key ubuntu@1.2.3.4', 'The SSH command', { writeText })).toBe(true);
    expect(writeText).toHaveBeenCalledWith('ssh -i key ubuntu@1.2.3.4');
    expect(useNotifications.getState().toasts).toMatchObject([
      { level: 'success', title: 'Copied', body: 'The SSH command is on the clipboard.' },
    ]);
  });

  it('shows the refusal as an error with a way around it instead of swallowing it', async () => {
    const writeText = vi.fn(async () => {
      throw new DOMException('Write permission denied.', 'NotAllowedError');
    });
    expect(await copyText('x', 'The report (Markdown)', { writeText })).toBe(false);
    const [toast] = useNotifications.getState().toasts;
    expect(toast).toMatchObject({ level: 'error', title: 'Could not copy the report (Markdown)' });
    expect(toast?.body).toBe(
      'The clipboard refused it (Write permission denied). Select the text and press Ctrl+C (⌘C on a Mac) instead.',
    );
  });

  it('says so when the page has no clipboard at all', async () => {
    expect(await copyText('x', 'The log', undefined)).toBe(false);
    expect(useNotifications.getState().toasts[0]?.body).toMatch(/no clipboard access/);
  });
});
