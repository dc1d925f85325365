import { expect, type Page, test } from '@playwright/test';

import { VALID_REQUESTS } from '../../shared/ipc/testing/valid-requests';
import { collectProblems, invokeOnHost, nav, openApp, screenshot, useWebHost } from './support';

/**
 * Issue #15 point 11: the Templates card loaded once on mount, often before the page's socket was
 * open, so some page loads showed "Not connected … reconnecting" and no saved template, for good.
 * A saved template must show on every load.
 */

const host = useWebHost({ TRAINDECK_FAKE_AWS: '1' });
const RELOADS = 8;
const { name, config } = VALID_REQUESTS['templates.save'];

/** Saves a template through the host's own command socket, as the wizard's Review step does. */
async function saveTemplate(page: Page): Promise<void> {
  expect(await invokeOnHost(page, host().token, 'templates.save', { name, config, replace: true })).toMatchObject({
    ok: true,
  });
}

test('a saved template shows on every page load', async ({ page }) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url);
  await saveTemplate(page);

  const card = page.getByTestId('launch-templates');
  for (let load = 1; load <= RELOADS; load += 1) {
    await page.reload();
    // The token moved to sessionStorage on the first load, so a plain reload keeps the tab signed in.
    await nav(page, 'Launch').click();
    await expect(card.getByTestId(`template-${name}`), `page load ${load}`).toContainText('eu-west-1');
    await expect(card, `page load ${load}`).not.toContainText('could not be loaded');
  }

  await screenshot(page, 'launch-templates-reloaded');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'launch-templates-reloaded-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  expect(problems).toEqual([]);
});
