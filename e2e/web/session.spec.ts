import { join } from 'node:path';

import { expect, test } from '@playwright/test';

import { startWebHost } from '../support/web-host';
import { ARTIFACTS, openApp, useWebHost, VERSION } from './support';

/** How the page behaves without a valid session: no token, a wrong token, a host that went away. */
const host = useWebHost();

test('without the token the page says how to connect and shows no app data', async ({ page }) => {
  await page.goto(`${host().origin}/`);
  await page.locator('html[data-connection="unauthorized"]').waitFor();
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toContainText('opened without its access token');
  await expect(banner).toContainText('npm run start:web');
  await expect(page.getByTestId('unauthorized-gate')).toContainText('Open the link printed after Open:');
  await expect(page.getByTestId('connection-indicator')).toHaveText('Not authorized');
  await expect(page.locator('html')).toHaveAttribute('data-app-ready', 'false');
  // No app data: no version, no doctor report, no page content behind the gate.
  await expect(page.getByTestId('app-meta')).not.toContainText(VERSION);
  await expect(page.getByTestId('doctor-card')).toHaveCount(0);
  await expect(page.getByTestId('launch-empty')).toHaveCount(0);
  await page.screenshot({ path: join(ARTIFACTS, 'web-unauthorized.png'), fullPage: true, animations: 'disabled' });
});

test('a wrong token says the link is not valid', async ({ page }) => {
  await page.goto(`${host().origin}/#token=not-the-right-token`);
  await page.locator('html[data-connection="unauthorized"]').waitFor();
  await expect(page.getByTestId('connection-banner')).toContainText('This link is not valid for the running TrainDeck');
  expect(page.url()).not.toContain('not-the-right-token');
  await expect(page.locator('html')).toHaveAttribute('data-app-ready', 'false');
  await expect(page.getByTestId('app-meta')).not.toContainText(VERSION);
});

test('losing the host shows the reconnecting banner and countdown', async ({ page }) => {
  const ownHost = await startWebHost();
  try {
    await openApp(page, ownHost.url);
    await ownHost.stop();
    await page.locator('html[data-connection="reconnecting"]').waitFor();
    await expect(page.getByTestId('connection-banner')).toContainText('Lost the connection to TrainDeck.');
    await expect(page.getByTestId('connection-indicator')).toContainText('Reconnecting');
    await expect(page.locator('html')).toHaveAttribute('data-app-ready', 'false');
    // What was loaded stays on screen while the link is down.
    await expect(page.getByTestId('app-meta')).toContainText(`v${VERSION}`);
    await page.screenshot({ path: join(ARTIFACTS, 'web-reconnecting.png'), fullPage: true, animations: 'disabled' });
  } finally {
    await ownHost.stop();
  }
});
