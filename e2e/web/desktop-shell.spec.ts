/**
 * What the desktop shell changed in the page, checked in Chromium through the browser host:
 * the window opens on the page main asks for (`#page=costs`, as the tray's "Kill all cost
 * resources…" opens it), and every Copy button says "Copied" or why the clipboard refused.
 */
import { join } from 'node:path';

import { expect, test } from '@playwright/test';

import { useFinishedRunOnDisk } from './report-fixture';
import { ARTIFACTS, nav, openApp, screenshot, useWebHost } from './support';

const finished = useFinishedRunOnDisk(Date.now());
const host = useWebHost(finished.env);

test('opens straight on the page named in the address (the tray opening Costs with no window)', async ({ page }) => {
  await openApp(page, `${host().url}&page=costs`);
  await expect(nav(page, 'Costs')).toHaveAttribute('aria-current', 'page');
});

test('a Copy button says "Copied", or why the clipboard refused and what to do instead', async ({ page }) => {
  // The clipboard refuses the first write, as Electron's permission handler did before this change
  // (Chromium itself grants a focused page the write, so the refusal is staged in the page).
  await page.addInitScript(() => {
    const write = navigator.clipboard.writeText.bind(navigator.clipboard);
    let refusals = 1;
    navigator.clipboard.writeText = (text: string) =>
      refusals-- > 0 ? Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) : write(text);
  });
  await openApp(page, host().url, 'Runs');
  const copy = page.getByTestId('copy-report');

  await copy.click();
  const refused = page.getByTestId('toast').filter({ hasText: 'Could not copy the report (Markdown)' });
  await expect(refused).toContainText('Select the text and press Ctrl+C (⌘C on a Mac) instead.');
  await expect(refused).toHaveAttribute('role', 'alert');

  await expect(refused).toContainText('The clipboard refused it (Write permission denied).');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await copy.click();
  const copied = page.getByTestId('toast').filter({ hasText: 'Copied' });
  await expect(copied).toContainText('The report (Markdown) is on the clipboard.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('# Run ');
  const toasts = page.getByRole('region', { name: 'Notifications' });
  await screenshot(page, 'copy-toasts');
  await toasts.screenshot({ path: join(ARTIFACTS, 'copy-toasts-only.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'copy-toasts-dark');
  await toasts.screenshot({ path: join(ARTIFACTS, 'copy-toasts-only-dark.png') });
});
