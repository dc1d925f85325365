import { expect, test } from '@playwright/test';

import { atStep, field, openApp, shotAccessibleAtWidths, useWebHost } from './support';

/**
 * The instance picker's prices in the browser host against the in-memory AWS account: on-demand
 * and spot (cheapest zone) per type, the chosen type's spot price in every zone, and which prices
 * these are, of when (the fake Price List's, dated). Axe-checked shots at 1280 and 1920 px, light and dark.
 */
test.describe.configure({ timeout: 180_000 });

const host = useWebHost({ TRAINDECK_FAKE_AWS: '1' });

test('the picker shows on-demand vs spot per zone and the prices’ source and date', async ({ page }) => {
  await openApp(page, host().url, 'Launch');
  await page.getByTestId('start-wizard').click();
  await field(page, 'name').getByRole('textbox').fill('prices-demo');
  await field(page, 'name').getByRole('textbox').press('Enter');
  await atStep(page, 'compute');

  const row = page.getByTestId('type-g5.xlarge');
  await expect(row).toBeVisible();
  // On-demand, then spot in the cheapest zone: both priced, the zone named.
  await expect(row.locator('td').nth(5)).toHaveText(/^\$\d+\.\d+\/h$/);
  await expect(row.locator('td').nth(6)).toHaveText(/^\$\d+\.\d+\/h eu-west-1[abc]$/);
  await row.click();
  await expect(page.getByTestId('picker-spot-zones')).toHaveText(
    /^g5\.xlarge in eu-west-1: On-demand \$\d+\.\d+\/h · spot now: eu-west-1[abc] \$[\d.]+\/h, eu-west-1[abc] \$[\d.]+\/h, eu-west-1[abc] \$[\d.]+\/h$/,
  );
  await expect(page.getByTestId('picker-prices-source')).toHaveText(
    /^AWS prices of eu-west-1 fetched \d{4}-\d\d-\d\d\. Spot: EC2's price history, the newest price of each zone\.$/,
  );
  await page.getByTestId('picker-prices-source').scrollIntoViewIfNeeded();
  await shotAccessibleAtWidths(page, 'wizard-prices-picker');
});
