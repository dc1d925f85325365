// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import { regionChoices } from '../../../../../../shared/domain/regions';
import { render, screen, within } from '../../../../testing/render';
import { emptyDraft } from '../../wizard/draft';
import { AccountStep } from './account-step';

function renderStep(regions: Parameters<typeof AccountStep>[0]['regions']) {
  render(
    <AccountStep
      value={emptyDraft().account}
      errors={{}}
      profiles={undefined}
      identity={undefined}
      regions={regions}
      onChange={() => undefined}
      onCheckIdentity={() => undefined}
    />,
  );
  return within(screen.getByTestId('field-aws.region')).getByRole('combobox');
}

describe('Account step: the region picker (#15 point 12)', () => {
  it('names regions as the console does and marks the ones the account has not enabled, as Settings does', () => {
    const picker = renderStep({ regions: regionChoices(['eu-west-1', 'us-east-1']) });
    const option = (code: string) => picker.querySelector(`option[value="${code}"]`)?.textContent;
    expect(option('eu-west-1')).toBe('Europe (Ireland) eu-west-1');
    expect(option('ap-southeast-4')).toBe('Asia Pacific (Melbourne) ap-southeast-4 — not enabled for this account');
  });

  it('before the account answers (or when it cannot be asked) every region is offered unmarked', () => {
    const picker = renderStep(undefined);
    expect(picker.querySelector('option[value="ap-southeast-4"]')?.textContent).toBe(
      'Asia Pacific (Melbourne) ap-southeast-4',
    );
  });
});
