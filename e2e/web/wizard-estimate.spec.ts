import { expect, type Locator, type Page, test } from '@playwright/test';

import { expectAccessible } from './axe';
import {
  atStep,
  collectProblems,
  expectAccessibleLightAndDark,
  expectFitsSmallestWindow,
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
 * Review's whole-run estimate (#17 point 1) in the browser host on the demo account: with
 * `training.expectedHours`, every billable line per hour, for the expected hours and for the TTL,
 * and a Total row whose figures are the lines' sums; a bucket in another region makes the transfer
 * line unknown, and so the totals (never $0). The expected hours are refused above 168 and above the
 * time limit, in words at the field, and Next stays. Axe-checked shots at 1280 and 1920, light and dark.
 */
// Each test takes 10–30 s on a quiet machine; this one is shared by a dozen engineers.
test.describe.configure({ timeout: 120_000 });

const { home, host } = useDemoHost('estimate');

/** The dollar figure of a cell ("$1.234/h" → 1.234); NaN for "unknown". */
const dollars = async (cell: Locator) => Number((await cell.innerText()).replace(/^\$/, '').replace(/\/h$/, ''));

/** The Launch page with the two templates saved: 6 of 10 h expected, and a bucket in another region. */
async function openWithTemplates(page: Page): Promise<void> {
  await openApp(page, host().url);
  await saveTemplate(
    page,
    host().token,
    'expected-6h',
    demoRunConfig(home, (c) => {
      c.compute!.ttlMinutes = 600;
      c.training!.expectedHours = 6;
    }),
  );
  await saveTemplate(
    page,
    host().token,
    'cross-region',
    demoRunConfig(home, (c) => {
      c.name = 'cross-region';
      c.storage.region = 'us-east-1';
      c.training!.expectedHours = 3;
    }),
  );
  await reloadApp(page, 'Launch');
}

test('Review prices the expected hours line by line, with a Total that is their sum', async ({ page }) => {
  const problems = await collectProblems(page);
  await openWithTemplates(page);
  await openTemplate(page, 'expected-6h');

  const lines = page.getByTestId('cost-lines');
  await expect(lines.locator('thead th')).toHaveText(['Line', 'Per hour', 'Expected (6 h 00 min)', 'For the TTL']);
  const rows = lines.locator('tbody tr');
  await expect(rows.first()).toContainText('g5.xlarge (on-demand)');
  await expect(rows.last()).toContainText('Data transfer EC2 ↔ S3 (both in eu-west-1)');
  // Every line: expected = per hour × 6 and TTL = per hour × 10 (to the cents the cells show).
  const count = await rows.count();
  expect(count).toBeGreaterThanOrEqual(5);
  let hourlySum = 0;
  let expectedSum = 0;
  for (let i = 0; i < count; i += 1) {
    const cells = rows.nth(i).locator('td');
    const [hourly, expected, ttl] = [
      await dollars(cells.nth(0)),
      await dollars(cells.nth(1)),
      await dollars(cells.nth(2)),
    ];
    expect(hourly, `line ${i + 1} is priced`).not.toBeNaN();
    expect(Math.abs(expected - hourly * 6), `line ${i + 1} for 6 h`).toBeLessThanOrEqual(0.01 + hourly * 6 * 0.01);
    expect(Math.abs(ttl - hourly * 10), `line ${i + 1} for the TTL`).toBeLessThanOrEqual(0.01 + hourly * 10 * 0.01);
    hourlySum += hourly;
    expectedSum += expected;
  }
  const total = lines.locator('tfoot tr');
  await expect(total.locator('th')).toHaveText('Total');
  expect(await dollars(total.locator('td').nth(0))).toBeCloseTo(hourlySum, 1);
  expect(await dollars(total.locator('td').nth(1))).toBeCloseTo(expectedSum, 1);
  await expect(page.getByTestId('cost-expected')).toHaveText(await total.locator('td').nth(1).innerText());
  await expect(page.getByTestId('cost-ttl')).toHaveText(await total.locator('td').nth(2).innerText());
  await preflightAnswered(page);
  await page.getByTestId('cost-estimate').scrollIntoViewIfNeeded();
  await expectAccessibleLightAndDark(page, 'wizard-estimate-expected');
  await shotAtWidths(page, 'wizard-estimate-expected');
  await expectFitsSmallestWindow(page, 'wizard-estimate-expected-narrow');
  expect(problems).toEqual([]);
});

test('expected hours above 168 or above the time limit: a sentence at the field, and Next stays', async ({ page }) => {
  const problems = await collectProblems(page);
  await openWithTemplates(page);
  await openTemplate(page, 'expected-6h');

  // Longer than 168 h, then longer than the time limit (10 h): a sentence at the field, Next stays.
  await page.getByTestId('step-training').click();
  const hours = field(page, 'training.expectedHours').getByRole('textbox');
  await expect(hours).toHaveValue('6');
  await hours.fill('200');
  await expect(page.getByTestId('error-training.expectedHours')).toHaveText(
    'At most 168 hours (7 days, the longest time limit).',
  );
  await next(page);
  await atStep(page, 'training');
  await hours.fill('12');
  await expect(page.getByTestId('error-training.expectedHours')).toHaveText(
    'Longer than the run may live (its time limit is 10 h): raise the time limit in the Compute step, or lower this.',
  );
  await next(page);
  await atStep(page, 'training');
  await hours.fill('');
  await next(page);
  await atStep(page, 'review');
  // Without expected hours: the TTL's column only.
  const lines = page.getByTestId('cost-lines');
  await expect(lines.locator('thead th')).toHaveText(['Line', 'Per hour', 'For the TTL']);
  await expect(page.getByTestId('cost-expected')).toHaveCount(0);
  await expect(page.getByTestId('stop-rules')).toBeVisible();
  expect(problems).toEqual([]);
});

test('a bucket in another region: the transfer line is unknown, and so every total (never $0)', async ({ page }) => {
  const problems = await collectProblems(page);
  await openWithTemplates(page);
  const rows = page.getByTestId('cost-lines').locator('tbody tr');
  const total = page.getByTestId('cost-lines').locator('tfoot tr');
  // The bucket in us-east-1, the instance in eu-west-1: transfer is billed per GB, so unknown, and the totals too.
  await openTemplate(page, 'cross-region');
  await expect(rows.last()).toHaveText(
    /^Data transfer EC2 ↔ S3 \(bucket in us-east-1, instance in eu-west-1: per GB\)\s*unknown\s*unknown\s*unknown$/,
  );
  await expect(total.locator('td')).toHaveText(['unknown', 'unknown', 'unknown']);
  await expect(page.getByTestId('cost-expected')).toHaveText('unknown');
  await expect(page.getByTestId('cost-ttl')).toHaveText('unknown');
  // The headline too: a partial sum would read as the price.
  await expect(page.getByTestId('cost-estimate').locator('.estimate__value').first()).toHaveText('unknown');
  await expect(page.getByTestId('footer-cost')).not.toContainText('$');
  await preflightAnswered(page);
  await page.getByTestId('cost-estimate').scrollIntoViewIfNeeded();
  await expectAccessible(page, 'Review of a cross-region run');
  await shotEveryWay(page, 'wizard-estimate-cross-region');
  expect(problems).toEqual([]);
});
