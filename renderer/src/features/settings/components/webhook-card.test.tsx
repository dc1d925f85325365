// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';

import type { WebhookView } from '../../../../../shared/ipc/settings-commands';
import { render, screen, userEvent } from '../../../testing/render';
import { WebhookCard } from './webhook-card';

const saved: WebhookView = { set: true, format: 'json', shown: 'hooks.example.com/…', storage: 'os-keychain' };

function card(view: WebhookView | undefined, onSave = vi.fn(async () => true)) {
  const props = { busy: false, error: undefined, tested: false, onSave, onTest: vi.fn(), onClear: vi.fn() };
  return { ...render(<WebhookCard view={view} {...props} />), props };
}

const formatSelect = () => screen.getByTestId<HTMLSelectElement>('webhook-format');

describe('webhook card: the format select', () => {
  it('shows the saved format once the view arrives after the first render (a reload)', () => {
    const { rerender, props } = card(undefined);
    expect(formatSelect().value).toBe('slack');
    rerender(<WebhookCard view={saved} {...props} />);
    // Before: the state kept its first value, so a saved JSON webhook read "Slack-compatible".
    expect(formatSelect().value).toBe('json');
  });

  it('keeps what the user picks, saves it, then follows the saved view again', async () => {
    const onSave = vi.fn(async () => true);
    const { rerender, props } = card(saved, onSave);
    await userEvent.selectOptions(formatSelect(), 'ntfy');
    rerender(<WebhookCard view={{ ...saved }} {...props} />);
    expect(formatSelect().value).toBe('ntfy');
    await userEvent.type(screen.getByTestId('webhook-url'), 'https://ntfy.example.com/topic');
    await userEvent.click(screen.getByTestId('webhook-save'));
    expect(onSave).toHaveBeenCalledWith('https://ntfy.example.com/topic', 'ntfy');
    rerender(<WebhookCard view={{ ...saved, format: 'ntfy' }} {...props} />);
    expect(formatSelect().value).toBe('ntfy');
  });
});
