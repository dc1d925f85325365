import { expect, test } from '@playwright/test';

import { expectAccessible } from './axe';
import { atStep, collectProblems, field, next, openApp, shotAtWidths, trainAndReview, useDemoHost } from './support';

/**
 * After Launch (#15 point 4), through the browser host in demo mode (TRAINDECK_FAKE_AWS=1): the
 * Runs page opens at its top, whatever the wizard was scrolled to, with the focus on the launched
 * run's header, so the keyboard and a screen reader land on the run that was just started.
 */
test.describe.configure({ timeout: 240_000 });

const { host } = useDemoHost('launch-focus');

test('after Launch the Runs page opens at its top with the focus on the run header', async ({ page }) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url);
  await page.getByTestId('start-wizard').click();

  await atStep(page, 'account');
  await field(page, 'name').getByRole('textbox').fill('focus-check');
  await next(page);
  await atStep(page, 'compute');
  await field(page, 'compute.ttlMinutes').getByRole('textbox').fill('60');
  await next(page);
  await atStep(page, 'code');
  await field(page, 'code.repoUrl').getByRole('textbox').fill('https://github.com/acme/resnet.git');
  await next(page);
  await atStep(page, 'data');
  await field(page, 'storage.bucket').getByRole('textbox').fill('acme-ml-data');
  await field(page, 'storage.prefix').getByRole('textbox').fill('runs/focus-check');
  await page.getByTestId('key-prepare').click();
  await expect(page.getByTestId('key-fingerprint')).toContainText('sha256:');
  await next(page);
  await trainAndReview(page);
  await expect(page.getByTestId('preflight')).toHaveAttribute('data-state', 'pass', { timeout: 30_000 });

  // The Review step scrolled to its end (Launch sits in the sticky footer), and the focus on Launch.
  await page.setViewportSize({ width: 1280, height: 640 });
  const body = page.getByTestId('page-body');
  await body.evaluate((element) => element.scrollTo(0, element.scrollHeight));
  expect(await body.evaluate((element) => element.scrollTop)).toBeGreaterThan(0);
  await page.getByTestId('launch').focus();
  await page.keyboard.press('Enter');

  const title = page.getByTestId('run-title');
  await expect(title).toHaveText('focus-check');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Runs');
  await expect(title).toBeFocused();
  expect(await body.evaluate((element) => element.scrollTop)).toBe(0);
  await expect(title).toBeInViewport();
  await expectAccessible(page, 'Runs right after Launch');
  await shotAtWidths(page, 'runs-after-launch');
  expect(problems).toEqual([]);
});
