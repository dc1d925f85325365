import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, test } from '@playwright/test';

import { startWebhookRecorder } from '../../main/core/testing/webhook-recorder';
import { type RunningHost, startWebHost } from '../support/web-host';
import { ARTIFACTS, collectProblems, openApp, reloadApp, shotAccessibleAtWidths } from './support';

/**
 * The Settings page's webhook (#17 point 6) through the browser host: a bad URL is refused with
 * a sentence at the card, a webhook answering 404 fails its Test with the reason, a working one
 * gets the test message; the page never holds the URL once saved (it knows its host and the
 * format, and how main keeps it). Shots at 1280 and 1920 px, light and dark, each checked with axe.
 */
const home = mkdtempSync(join(tmpdir(), 'traindeck-webhook-'));
const dataDir = join(home, 'app-data');
mkdirSync(dataDir);
const SECRET = 'T0000-B0000-page-never-sees-this';
let host: RunningHost | undefined;
let recorder: Awaited<ReturnType<typeof startWebhookRecorder>> | undefined;
test.beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  recorder = await startWebhookRecorder();
  host = await startWebHost({
    env: {
      TRAINDECK_FAKE_AWS: '1',
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
    },
    dataDir,
  });
});
test.afterAll(async () => {
  await host?.stop();
  await recorder?.stop();
  rmSync(home, { recursive: true, force: true });
});

test('the webhook is kept like a secret: refused when not https, tested, never shown again', async ({ page }) => {
  test.setTimeout(180_000);
  const problems = await collectProblems(page);
  await openApp(page, host!.url, 'Settings');
  const card = page.getByTestId('settings-webhook');
  await expect(page.getByTestId('webhook-status')).toHaveText('Webhook: Not set');

  await page.getByTestId('webhook-url').fill(`http://hooks.example.com/${SECRET}`);
  await page.getByTestId('webhook-save').click();
  await expect(card).toContainText('The webhook URL must use https');
  await expect(page.getByTestId('webhook-status')).toHaveText('Webhook: Not set');

  await page.getByTestId('webhook-url').fill(`${recorder!.base}/status-404/${SECRET}`);
  await page.getByTestId('webhook-format').selectOption('json');
  await page.getByTestId('webhook-save').click();
  const shown = `Webhook: ${recorder!.base.replace('http://', '')}/… (Plain JSON POST)`;
  await expect(page.getByTestId('webhook-status')).toHaveText(shown);
  // The browser host has no OS keychain: the card says how the URL is kept instead of pretending.
  await expect(page.getByTestId('webhook-storage')).toHaveText(/^Kept as a file only you can read \(mode 0600\)\./);
  await expect(page.getByTestId('webhook-url')).toHaveValue('');
  await page.getByTestId('webhook-test').click();
  await expect(card).toContainText('answered 404 Not Found');
  await card.scrollIntoViewIfNeeded();
  await shotAccessibleAtWidths(page, 'settings-webhook-404');

  await page.getByTestId('webhook-url').fill(`${recorder!.base}/ok/${SECRET}`);
  await page.getByTestId('webhook-save').click();
  await page.getByTestId('webhook-test').click();
  await expect(page.getByTestId('webhook-tested')).toHaveText('The test notification arrived.');
  expect(JSON.parse(recorder!.posted.at(-1)!.body)).toMatchObject({ source: 'traindeck', title: 'Test notification' });
  await card.scrollIntoViewIfNeeded();
  await shotAccessibleAtWidths(page, 'settings-webhook-set');

  // After a reload the page learns only that one is set: the URL is nowhere in it.
  await reloadApp(page, 'Settings');
  await expect(page.getByTestId('webhook-status')).toHaveText(shown);
  expect(await page.content()).not.toContain(SECRET);
  await page.getByTestId('webhook-clear').click();
  await expect(page.getByTestId('webhook-status')).toHaveText('Webhook: Not set');
  expect(problems).toEqual([]);
});
