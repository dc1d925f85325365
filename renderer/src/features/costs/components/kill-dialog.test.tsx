// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';

import type { CostResource } from '../../../../../shared/domain/cost';
import { untrackedPhrase } from '../../../../../shared/domain/kill-all';
import { render, screen, userEvent } from '../../../testing/render';
import { KillDialog } from './kill-dialog';

function resource(id: string, ours: boolean, hourlyUsd: number | null = 1): CostResource {
  return { kind: 'instance', region: 'eu-west-1', id, type: 'g5.xlarge', state: 'running', tags: {}, ours, hourlyUsd };
}

function setup(ours: CostResource[], untracked: CostResource[]) {
  const onConfirm = vi.fn();
  const onClose = vi.fn();
  const requestPhrase = vi.fn(async () => ({
    ok: true as const,
    value: { count: untracked.length, shownIn: 'a TrainDeck dialog' },
  }));
  render(
    <KillDialog
      ours={ours}
      untracked={untracked}
      error={undefined}
      busy={false}
      onConfirm={onConfirm}
      onClose={onClose}
      requestPhrase={requestPhrase}
    />,
  );
  return { onConfirm, onClose, requestPhrase, confirm: () => screen.getByTestId('kill-confirm') };
}

describe('KillDialog: deletes exactly what it lists, untracked only with the typed phrase', () => {
  it("confirms TrainDeck's resources only, by default", async () => {
    const { onConfirm, confirm } = setup(
      [resource('i-ours1', true), resource('i-ours2', true, 0.5)],
      [resource('i-foreign', false)],
    );
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Delete 2 cost resources?');
    expect(screen.getByText(/Stops/).textContent).toMatch(/\$1\.50/);
    await userEvent.click(confirm());
    expect(onConfirm).toHaveBeenCalledWith({ resourceIds: ['i-ours1', 'i-ours2'], includeUntracked: false });
  });

  it('untracked resources need the phrase main showed outside the window: asked for, then typed; a wrong shape keeps the button disabled', async () => {
    const untracked = [resource('i-foreign1', false), resource('i-foreign2', false)];
    const { onConfirm, requestPhrase, confirm } = setup([resource('i-ours', true)], untracked);
    await userEvent.click(screen.getByTestId('include-untracked'));
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Delete 3 cost resources?');
    // No field before the phrase was shown: the page does not know it, and says where to look.
    expect(screen.queryByTestId('untracked-phrase')).toBeNull();
    expect((confirm() as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByTestId('untracked-ask'));
    expect(requestPhrase).toHaveBeenCalledWith(['i-foreign1', 'i-foreign2']);
    expect(screen.getByText(/shown in a TrainDeck dialog/)).toBeTruthy();
    const phrase = screen.getByTestId('untracked-phrase');
    await userEvent.type(phrase, 'delete 3 untracked maple-12');
    expect(phrase.getAttribute('aria-invalid')).toBe('true');
    expect((confirm() as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(confirm());
    expect(onConfirm).not.toHaveBeenCalled();

    await userEvent.clear(phrase);
    await userEvent.type(phrase, `  ${untrackedPhrase(2)} maple-12 `);
    expect((confirm() as HTMLButtonElement).disabled).toBe(false);
    await userEvent.click(confirm());
    expect(onConfirm).toHaveBeenCalledWith({
      resourceIds: ['i-ours', 'i-foreign1', 'i-foreign2'],
      includeUntracked: true,
      confirmation: `${untrackedPhrase(2)} maple-12`,
    });
  });

  it('nothing to delete: the button is disabled; Cancel closes', async () => {
    const { onClose, confirm } = setup([], [resource('i-foreign', false)]);
    expect((confirm() as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('None.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalled();
  });

  it('an unknown price is not counted as $0 in the total', () => {
    setup([resource('i-priced', true, 2), resource('i-unpriced', true, null)], []);
    expect(screen.getByText(/Stops/).textContent).toMatch(/\$2\.00/);
  });
});
