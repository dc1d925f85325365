import { expect, test } from '@playwright/test';

import {
  collectProblems,
  expectAccessibleLightAndDark,
  expectFitsSmallestWindow,
  nav,
  openApp,
  shotAtWidths,
  useDemoHost,
} from './support';

/**
 * The demo account (TRAINDECK_FAKE_AWS=1) stages untracked resources in us-west-2 for the Costs
 * page. The app's scan at start found them every time and put a warning toast ("Untracked cost
 * resources") over the wizard, the page the demo opens on. The Costs page still shows them.
 */
const { host } = useDemoHost('demo-toast');

test('the demo opens on the wizard with no toast about its staged untracked resources; Costs lists them', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const problems = await collectProblems(page);
  await openApp(page, host().url, 'Launch');
  await nav(page, 'Costs').click();
  // The scan's answer is on the page: its notification, sent before the answer on the same socket, would be too.
  await expect(page.getByTestId('resource-i-07e57e57e57e57e57')).toContainText('Untracked', { timeout: 60_000 });
  await expect(page.getByTestId('toast')).toHaveCount(0);
  await nav(page, 'Launch').click();
  await expect(page.getByTestId('toast')).toHaveCount(0);
  await expectAccessibleLightAndDark(page, 'demo launch page');
  await shotAtWidths(page, 'demo-launch');
  await expectFitsSmallestWindow(page, 'demo-launch-narrow');
  expect(problems).toEqual([]);
});
