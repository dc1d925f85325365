import { expect, type Page, test } from '@playwright/test';

import { expectAccessible } from './axe';
import {
  atStep,
  collectProblems,
  expectAccessibleLightAndDark,
  field,
  next,
  openApp,
  reloadApp,
  shotAtWidths,
  shotEveryWay,
  useDemoHost,
} from './support';
import { demoRunConfig, openTemplate, preflightAnswered, saveTemplate } from './wizard-template-fixture';

/**
 * The spot relaunch field `compute.spot.maxRelaunches` (#17 point 3) in the browser host on the
 * demo account: absent on-demand, shown for spot under the on-demand fallback, 0 to 10 (empty or 0:
 * off) with a sentence at the field otherwise, said on Review's placement line, and kept when a
 * saved config is opened again. Axe-checked shots at 1280 and 1920, light and dark, and at 960.
 */
// Each test takes 10–30 s on a quiet machine; this one is shared by a dozen engineers.
test.describe.configure({ timeout: 120_000 });

const { home, host } = useDemoHost('relaunches');

const relaunches = (page: Page) => field(page, 'compute.spot.maxRelaunches');
const instanceLine = (page: Page) =>
  page
    .getByTestId('will-create')
    .locator('.will-create__row')
    .filter({ has: page.locator('dt', { hasText: /^Instance$/ }) });
const RELAUNCH_3 = 'after a spot interruption, relaunched up to 3 times (resuming from the newest checkpoint)';

test('spot only, under the on-demand fallback, 0 to 10 in plain words, said on Review', async ({ page }) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url);
  await saveTemplate(page, host().token, 'on-demand', demoRunConfig(home));
  await reloadApp(page, 'Launch');
  await openTemplate(page, 'on-demand');
  await page.getByTestId('step-compute').click();
  await atStep(page, 'compute');
  await expect(relaunches(page)).toHaveCount(0);

  await page.locator('label', { hasText: /^Spot$/ }).click();
  const count = relaunches(page).getByRole('textbox');
  await expect(count).toBeVisible();
  await expect(count).toHaveValue('');
  await expect(count).toHaveAttribute('placeholder', '0');
  await expect(relaunches(page)).toContainText('Needs this app open. Empty or 0: the run ends.');
  // Under the on-demand fallback.
  const fallback = page.locator('label', { hasText: 'Launch on-demand when no spot placement has capacity' });
  const [fallbackBox, relaunchBox] = [await fallback.boundingBox(), await relaunches(page).boundingBox()];
  expect(relaunchBox!.y).toBeGreaterThan(fallbackBox!.y + fallbackBox!.height - 1);

  for (const [typed, said] of [
    ['NaN', 'Type a whole number of relaunches, e.g. 2, or leave the field empty for none.'],
    ['two', 'Type a whole number of relaunches, e.g. 2, or leave the field empty for none.'],
    ['1.5', 'Type a whole number of relaunches, e.g. 2, or leave the field empty for none.'],
    ['-1', 'Type 0 (off) or more.'],
    ['11', 'At most 10 relaunches.'],
    ['1e6', 'At most 10 relaunches.'],
  ] as const) {
    await count.fill(typed);
    await next(page);
    await atStep(page, 'compute');
    await expect(page.getByTestId('error-compute.spot.maxRelaunches'), `"${typed}"`).toHaveText(said);
  }
  await relaunches(page).scrollIntoViewIfNeeded();
  await expectAccessible(page, 'Compute with a relaunch error');
  await shotEveryWay(page, 'wizard-relaunches-error');

  // 0 is off: Review says nothing of relaunches.
  await count.fill('0');
  await page.getByTestId('step-review').click();
  await atStep(page, 'review');
  await expect(instanceLine(page)).toContainText('g5.xlarge, spot');
  await expect(instanceLine(page)).not.toContainText('relaunched');

  await page.getByTestId('step-compute').click();
  await count.fill('3');
  await fallback.click();
  await page.getByTestId('step-review').click();
  await expect(instanceLine(page)).toContainText(`the other zones, then on-demand; ${RELAUNCH_3}; one instance only`);
  await preflightAnswered(page);
  await instanceLine(page).scrollIntoViewIfNeeded();
  await expectAccessibleLightAndDark(page, 'wizard-relaunches-review');
  await shotAtWidths(page, 'wizard-relaunches-review');

  // Back to on-demand: the field goes, and so do the relaunches (spot only).
  await page.getByTestId('step-compute').click();
  await page.locator('label', { hasText: /^On-demand$/ }).click();
  await expect(relaunches(page)).toHaveCount(0);
  await page.getByTestId('step-review').click();
  await expect(instanceLine(page)).toContainText('g5.xlarge, on-demand');
  await expect(instanceLine(page)).not.toContainText('relaunched');
  expect(problems).toEqual([]);
});

test('a saved config’s relaunches survive reopening it, and saving it again', async ({ page }) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url);
  const spot = demoRunConfig(home, (c) => {
    c.compute = { ...c.compute!, market: 'spot', spot: { fallbackOnDemand: false, maxRelaunches: 3 } };
  });
  await saveTemplate(page, host().token, 'spot-3', spot);
  await reloadApp(page, 'Launch');
  await openTemplate(page, 'spot-3');
  await expect(instanceLine(page)).toContainText(`g5.xlarge, spot`);
  await expect(instanceLine(page)).toContainText(RELAUNCH_3);
  await page.getByTestId('step-compute').click();
  await expect(relaunches(page).getByRole('textbox')).toHaveValue('3');
  await expect(page.getByRole('radio', { name: 'Spot' })).toBeChecked();
  await relaunches(page).scrollIntoViewIfNeeded();
  await expectAccessibleLightAndDark(page, 'wizard-relaunches-compute');
  await shotAtWidths(page, 'wizard-relaunches-compute');

  // Saved again from Review under another name, the page reloaded: still 3.
  await page.getByTestId('step-review').click();
  await page.getByTestId('template-name').fill('spot-3-again');
  await page.getByTestId('template-save').click();
  await expect(page.getByTestId('template-saved')).toContainText('spot-3-again');
  await reloadApp(page, 'Launch');
  await openTemplate(page, 'spot-3-again');
  await expect(instanceLine(page)).toContainText(RELAUNCH_3);
  expect(problems).toEqual([]);
});
