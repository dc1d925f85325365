import { expect, test } from '@playwright/test';

import { collectProblems, openApp, screenshot, useWebHost } from './support';

/** Kill-all without the untracked box: TrainDeck's resources go, everyone else's stay, and the verdict says only what is true. */
const host = useWebHost({ TRAINDECK_FAKE_AWS: '1' });

test('kill-all of TrainDeck resources leaves untracked ones and does not claim the account is clean', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url, 'Costs');
  await expect(page.getByTestId('resource-table').locator('tbody tr')).toHaveCount(9);
  await page.getByRole('button', { name: 'Kill all cost resources' }).click();
  await page.getByRole('dialog').getByTestId('kill-confirm').click();
  const verdict = page.getByTestId('kill-verdict');
  await expect(verdict).toContainText('None of the deleted resources remain', { timeout: 30_000 });
  await expect(verdict).toContainText('3 other resources in the account were left alone');
  // On the Costs page itself the verdict does not send the reader to "(see Costs)".
  await expect(verdict).toContainText(/they cost \$[\d.]+\/h\.$/);
  await expect(verdict).not.toContainText('see Costs');
  await expect(page.getByTestId('resource-table').locator('tbody tr[data-ours="false"]')).toHaveCount(3);
  await expect(page.getByTestId('resource-table').locator('tbody tr[data-ours="true"]')).toHaveCount(0);
  await expect(page.getByTestId('burn-rate')).toHaveText('$0.09/h');
  // The notification is as careful as the verdict.
  await expect(page.getByText('Everything you confirmed is gone')).toBeVisible();
  await expect(page.getByText('0 cost resources remain')).toHaveCount(0);
  await screenshot(page, 'costs-kill-tracked-only');
  expect(problems).toEqual([]);
});
