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
  screenshot,
  shotAtWidths,
  shotEveryWay,
  useDemoHost,
} from './support';
import { demoRunConfig, openTemplate, preflightAnswered, saveTemplate } from './wizard-template-fixture';

/**
 * The wizard's budget (`training.maxCostUsd`), stall and NaN-loss actions and its numeric fields
 * (#17 point 4) in the browser host on the demo account: not a number, negative, empty and huge
 * values each get a sentence at their field and Next stays on the step; valid values show on
 * Review's "Stops early", and survive Back, Next, a saved template and a reload. Axe-checked shots.
 */
// Each test takes 10–30 s on a quiet machine; this one is shared by a dozen engineers.
test.describe.configure({ timeout: 120_000 });

const { home, host } = useDemoHost('stop-fields');

const error = (page: Page, key: string) => page.getByTestId(`error-${key}`);
const input = (page: Page, key: string) => field(page, key).getByRole('textbox');

/** Types `typed` into the field `key`, tries Next, and expects `said` at the field and the step unchanged. */
async function refused(page: Page, step: string, key: string, typed: string, said: string): Promise<void> {
  await input(page, key).fill(typed);
  await next(page);
  await atStep(page, step);
  await expect(error(page, key), `${key} = "${typed}"`).toHaveText(said);
  await expect(input(page, key)).toHaveAttribute('aria-invalid', 'true');
}

/** The Launch page with the demo run saved as a template (a finished wizard: every step reachable). */
async function openDemoTemplate(page: Page): Promise<void> {
  await openApp(page, host().url);
  await saveTemplate(page, host().token, 'stops', demoRunConfig(home));
  await reloadApp(page, 'Launch');
  await openTemplate(page, 'stops');
}

test('the budget refuses what is not an amount, with a sentence at the field; Next stays on Training', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  await openDemoTemplate(page);
  await page.getByTestId('step-training').click();
  await atStep(page, 'training');
  const budget = 'training.maxCostUsd';
  const noAmount = 'Type an amount in US dollars, e.g. 25, or leave the field empty for no budget.';
  await refused(page, 'training', budget, 'NaN', noAmount);
  await refused(page, 'training', budget, 'twenty', noAmount);
  await refused(page, 'training', budget, 'Infinity', noAmount);
  await refused(page, 'training', budget, '-5', 'More than $0, or leave the field empty for no budget.');
  await refused(page, 'training', budget, '0', 'More than $0, or leave the field empty for no budget.');
  await refused(page, 'training', budget, '1e12', 'At most $1,000,000.');
  // Less than one hour of the instance: it would stop the run before it trains. Judged at the region's
  // prices, Review's (#17): $1.10 passed at the bundled us-east-1 hour ($1.02) and is below eu-west-1's
  // ($1.13 on the demo account's Price List).
  await input(page, budget).fill('1.10');
  await next(page);
  await atStep(page, 'training');
  await expect(error(page, budget)).toHaveText(
    /^The budget of \$1\.10 is less than one hour of g5\.xlarge \(\$1\.13\/h with its disk and public IPv4, AWS prices of eu-west-1 of \d{4}-\d\d-\d\d\), so the run would be stopped before it trains: raise it to at least \$1\.14, or pick a cheaper instance type\.$/,
  );
  await input(page, budget).fill('0.5');
  await next(page);
  await atStep(page, 'training');
  await expect(error(page, budget)).toHaveText(
    /^The budget of \$0\.500 is less than one hour of g5\.xlarge \(\$1\.13\/h with its disk and public IPv4, AWS prices of eu-west-1 of \d{4}-\d\d-\d\d\), so the run would be stopped before it trains: raise it to at least \$1\.14, or pick a cheaper instance type\.$/,
  );
  await expect(page.getByTestId('wizard-status')).toContainText('1 field needs attention');
  await input(page, budget).scrollIntoViewIfNeeded();
  await expectAccessible(page, 'Training with a budget error');
  await shotEveryWay(page, 'wizard-stop-fields-budget-error');
  // At the smallest window the actions keep each label on one line, inside their field ("Stop the run" broke in two).
  await page.setViewportSize({ width: 960, height: 620 });
  const broken = await page.locator('.wizard-step-body .segmented').evaluateAll((groups) =>
    groups.flatMap((group) => {
      const field = group.closest('.field')!.getBoundingClientRect();
      const labels = [...group.querySelectorAll('label')];
      return [
        ...(group.getBoundingClientRect().right > field.right + 0.5
          ? [`${group.textContent} overflows its field`]
          : []),
        ...labels.filter((l) => l.scrollHeight > l.clientHeight + 1).map((l) => `"${l.textContent}" wraps`),
      ];
    }),
  );
  expect(broken).toEqual([]);
  await page.setViewportSize({ width: 1360, height: 860 });
  // Empty is no budget: Review says so.
  await input(page, budget).fill('');
  await expect(error(page, budget)).toBeHidden();
  await next(page);
  await atStep(page, 'review');
  await expect(page.getByTestId('stop-rules')).toContainText('Budgetnone: only the time limit ends the run');
  // The hour the budget was judged at is Review's.
  await expect(page.getByTestId('footer-cost')).toContainText('≈ $1.13/h');
  expect(problems).toEqual([]);
});

// #17: the preflight refused a budget below one hour of any compute.alternatives type (a capacity
// failover may launch it); the wizard checked only the chosen type, so $1.30 passed Training for
// g5.xlarge ($1.13/h) with g5.2xlarge as an alternative and the preflight failed it later. One rule now.
test('a budget below one hour of a dearer alternative is refused at the budget field, naming the alternative', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  await openDemoTemplate(page);
  await page.getByTestId('step-compute').click();
  await atStep(page, 'compute');
  await input(page, 'compute.alternatives').fill('g4dn.xlarge, g5.2xlarge');
  await page.getByTestId('step-training').click();
  await atStep(page, 'training');
  const budget = 'training.maxCostUsd';
  await input(page, budget).fill('1.30');
  await next(page);
  await atStep(page, 'training');
  await expect(error(page, budget)).toHaveText(
    /^A capacity failover may launch g5\.2xlarge \(one of the alternative instance types\), and the budget of \$1\.30 is less than one hour of g5\.2xlarge \(\$1\.3\d\/h with its disk and public IPv4, AWS prices of eu-west-1 of \d{4}-\d\d-\d\d\), so the run would be stopped before it trains: raise it to at least \$1\.\d\d, or remove g5\.2xlarge from the alternative instance types\.$/,
  );
  await expect(input(page, budget)).toHaveAttribute('aria-invalid', 'true');
  await input(page, budget).scrollIntoViewIfNeeded();
  await expectAccessible(page, 'Training with a budget below an alternative');
  await shotEveryWay(page, 'wizard-stop-fields-budget-alternative');
  // The least budget it names is enough for every type: Next goes on to Review.
  const least = /at least \$(\d+\.\d\d)/.exec((await error(page, budget).textContent()) ?? '')![1]!;
  await input(page, budget).fill(least);
  await next(page);
  await atStep(page, 'review');
  expect(problems).toEqual([]);
});

test('the numeric fields of Compute: not a number, negative, empty, huge, each said at the field', async ({ page }) => {
  const problems = await collectProblems(page);
  await openDemoTemplate(page);
  await page.getByTestId('step-compute').click();
  await atStep(page, 'compute');
  const ttl = 'compute.ttlMinutes';
  await refused(
    page,
    'compute',
    ttl,
    '',
    'Required: the hard limit after which the instance powers itself off, in minutes (e.g. 240).',
  );
  await refused(page, 'compute', ttl, 'NaN', 'Type a whole number of minutes, e.g. 240.');
  await refused(page, 'compute', ttl, '-5', 'At least 15 minutes.');
  await refused(page, 'compute', ttl, '90.5', 'Type a whole number of minutes, e.g. 240.');
  await refused(page, 'compute', ttl, '1e9', 'At most 10080 minutes (7 days).');
  await input(page, ttl).fill('240');
  const disk = 'compute.diskGb';
  await refused(page, 'compute', disk, 'NaN', 'Type a whole number of GB, e.g. 100.');
  await refused(page, 'compute', disk, '-1', 'At least 20 GB: the machine images need it.');
  await refused(page, 'compute', disk, '99999', 'At most 16384 GB (the largest gp3 volume).');
  await refused(page, 'compute', disk, '', 'Required: the size of the root volume in GB, e.g. 100.');
  await input(page, disk).scrollIntoViewIfNeeded();
  await expectAccessible(page, 'Compute with a disk error');
  await screenshot(page, 'wizard-stop-fields-compute-error');
  await input(page, disk).fill('150');
  await next(page);
  await atStep(page, 'code');
  expect(problems).toEqual([]);
});

/** Sets a $25 budget, Stop on a stall and Alert on a NaN loss on the Training step, then Next to Review. */
async function chooseStops(page: Page): Promise<void> {
  await page.getByTestId('step-training').click();
  await input(page, 'training.maxCostUsd').fill('25');
  await field(page, 'monitoring.stall.action').locator('label', { hasText: 'Stop the run' }).click();
  await field(page, 'monitoring.nonFiniteLoss').locator('label', { hasText: 'Alert' }).click();
  await next(page);
  await atStep(page, 'review');
}

const CHOSEN = [
  'Budget$25.00: stopped when the cost so far plus a graceful stop would pass it',
  'Stallstop the run (push, verify, tear down)',
  'NaN or infinite lossalert and notify',
];

/** The Training step shows the choices of {@link chooseStops}. */
async function trainingKeeps(page: Page, when: string): Promise<void> {
  await atStep(page, 'training');
  await expect(input(page, 'training.maxCostUsd'), when).toHaveValue('25');
  await expect(field(page, 'monitoring.stall.action').getByRole('radio', { name: 'Stop the run' }), when).toBeChecked();
  await expect(field(page, 'monitoring.nonFiniteLoss').getByRole('radio', { name: 'Alert' }), when).toBeChecked();
}

test('a valid budget and actions show on Review and survive Back and Next', async ({ page }) => {
  // Two axe runs on the long Review (light and dark): past 120 s at load 37.
  test.setTimeout(240_000);
  const problems = await collectProblems(page);
  await openDemoTemplate(page);
  await chooseStops(page);
  const rules = page.getByTestId('stop-rules');
  await expect(rules.locator('.will-create__row')).toHaveText(CHOSEN);
  await preflightAnswered(page);
  await rules.scrollIntoViewIfNeeded();
  // Light and dark with the mouse where Next left it, on Launch (hovered): its dark hover colour was
  // below 4.5:1 (tokens-contrast.test), which no spec opening Review from a template met.
  await expect(page.getByTestId('launch')).toBeVisible();
  await page.getByTestId('launch').hover();
  await expectAccessibleLightAndDark(page, 'Review with a budget and actions');
  await shotAtWidths(page, 'wizard-stop-fields-review');
  await page.getByTestId('wizard-back').click();
  await trainingKeeps(page, 'after Back');
  await page.getByTestId('wizard-back').click();
  await atStep(page, 'data');
  await next(page);
  await trainingKeeps(page, 'after Back and Next');
  await next(page);
  await expect(rules.locator('.will-create__row')).toHaveText(CHOSEN);
  expect(problems).toEqual([]);
});

test('a valid budget and actions survive a saved template and a reload', async ({ page }) => {
  const problems = await collectProblems(page);
  await openDemoTemplate(page);
  await chooseStops(page);
  await page.getByTestId('template-name').fill('stops-kept');
  await page.getByTestId('template-save').click();
  await expect(page.getByTestId('template-saved')).toContainText('stops-kept');
  await reloadApp(page, 'Launch');
  await openTemplate(page, 'stops-kept');
  await expect(page.getByTestId('stop-rules').locator('.will-create__row')).toHaveText(CHOSEN);
  await page.getByTestId('step-training').click();
  await trainingKeeps(page, 'in the reopened template');

  // The unfinished wizard is kept across a reload too (Resume).
  await input(page, 'training.maxCostUsd').fill('40');
  await reloadApp(page, 'Launch');
  await page.getByTestId('resume-draft').click();
  await atStep(page, 'training');
  await expect(input(page, 'training.maxCostUsd')).toHaveValue('40');
  await expect(field(page, 'monitoring.stall.action').getByRole('radio', { name: 'Stop the run' })).toBeChecked();
  expect(problems).toEqual([]);
});
