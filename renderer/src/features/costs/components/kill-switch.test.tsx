// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import { render, screen, userEvent } from '../../../testing/render';
import { KillSwitch } from './kill-switch';

describe('KillSwitch: a short line, the details on demand (#15 point 14)', () => {
  it('says what it stops in one sentence and keeps every fact behind Details', async () => {
    render(<KillSwitch unavailableReason={undefined} onKill={() => {}} />);
    expect(screen.getByText(/^Stops everything TrainDeck made that bills, in every enabled region\.$/)).toBeTruthy();
    const details = screen.getByText('Details').closest('details')!;
    expect(details.open).toBe(false);
    expect(details.textContent).toContain('rescans to prove it');
    expect(details.textContent).toContain('Untracked resources only with a typed confirmation');
    await userEvent.click(screen.getByText('Details'));
    expect(details.open).toBe(true);
  });
});
