import { expect, test } from '@playwright/test';

import { atStep, field, next, openApp, shotAccessibleAtWidths, useWebHost } from './support';

/**
 * The Compute step's capacity failover settings in the browser host against the in-memory AWS
 * account: the alternative instance types (with their plain-word error), and, for spot only,
 * the on-demand fallback. Axe-checked shots at 1280 and 1920 px, light and dark.
 */
test.describe.configure({ timeout: 180_000 });

const host = useWebHost({ TRAINDECK_FAKE_AWS: '1' });

test('Compute shows alternative instance types and, for spot, the on-demand fallback', async ({ page }) => {
  await openApp(page, host().url, 'Launch');
  await page.getByTestId('start-wizard').click();
  await field(page, 'name').getByRole('textbox').fill('failover-demo');
  await field(page, 'name').getByRole('textbox').press('Enter');
  await atStep(page, 'compute');

  const alternatives = field(page, 'compute.alternatives').getByRole('textbox');
  await expect(alternatives).toBeVisible();
  // On-demand: no fallback to offer.
  await expect(page.locator('input[name="compute.spot.fallbackOnDemand"]')).toHaveCount(0);
  await alternatives.fill('g5.xlarge');
  // Errors show once Next was tried (the TTL is still missing, so the step stays).
  await next(page);
  await atStep(page, 'compute');
  await expect(page.getByTestId('error-compute.alternatives')).toContainText(
    'Leave out the instance type chosen above',
  );
  await alternatives.fill('g5.2xlarge, g6.xlarge');
  await expect(page.getByTestId('error-compute.alternatives')).toBeHidden();

  await page.locator('label', { hasText: /^Spot$/ }).click();
  const fallback = page.locator('input[name="compute.spot.fallbackOnDemand"]');
  await expect(fallback).toBeVisible();
  await page.locator('label', { hasText: 'Launch on-demand when no spot placement has capacity' }).click();
  await expect(fallback).toBeChecked();
  await field(page, 'compute.alternatives').scrollIntoViewIfNeeded();
  await shotAccessibleAtWidths(page, 'wizard-failover');
});
