import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, type Page, test } from '@playwright/test';

import { type RunningHost, startWebHost } from '../support/web-host';
import { expectAccessible } from './axe';
import { ARTIFACTS, collectProblems, field, nav, openApp, screenshot } from './support';

/**
 * The Settings page (#15 point 12) through the browser host and the demo account: main keeps
 * the settings (they survive a reload and a host restart), refuses values out of bounds with a
 * sentence at the card, takes a data folder only inside the host's allowed folders, and the
 * wizard starts from the chosen profile and region. The theme applies at once, whatever the OS
 * says. Browser mode's missing Electron is information, not a warning. Screenshots at 1280 and
 * 1920 px, light and dark, each checked with axe.
 */
const home = mkdtempSync(join(tmpdir(), 'traindeck-settings-'));
const dataDir = join(home, 'app-data');
const allowed = join(home, 'allowed');
const outside = mkdtempSync(join(tmpdir(), 'traindeck-settings-outside-'));
mkdirSync(allowed);
mkdirSync(dataDir);
writeFileSync(join(home, 'config'), '[default]\nregion = eu-west-1\n\n[profile ml-research]\nregion = eu-west-1\n');
const env = {
  TRAINDECK_FAKE_AWS: '1',
  AWS_CONFIG_FILE: join(home, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
  HOME: home,
};
let host: RunningHost | undefined;
test.beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  host = await startWebHost({ env, dataDir, args: ['--allow-dir', allowed] });
});
test.afterAll(async () => {
  await host?.stop();
  rmSync(home, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function openSettings(page: Page, url: string): Promise<void> {
  await openApp(page, url, 'Settings');
  await page.getByTestId('settings-aws').waitFor();
  await page.getByTestId('doctor-check-node').waitFor();
}

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const LIGHT_BG = 'rgb(246, 247, 251)';
const DARK_BG = 'rgb(15, 20, 32)';

test('settings are main’s: bounded, kept across a restart, used by the wizard; the theme applies at once', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const problems = await collectProblems(page);
  await openSettings(page, host!.url);

  // Browser mode: Electron is information, and the sidebar does not count it as a setup issue.
  await expect(page.getByTestId('doctor-check-electron')).toHaveAttribute('data-status', 'info');
  await expect(page.getByTestId('doctor-check-electron')).toContainText('not needed in browser mode');

  // Regions as the console names them; a region the demo account does not list as enabled is marked.
  const region = field(page, 'settings.region').getByRole('combobox');
  await expect(region.locator('option[value="us-east-1"]')).toHaveText('US East (N. Virginia) us-east-1');
  await expect(region.locator('option[value="af-south-1"]')).toHaveText(
    'Africa (Cape Town) af-south-1 — not enabled for this account',
  );
  await expect(region.locator('option[value="eu-west-1"]')).toHaveText('Europe (Ireland) eu-west-1');
  // The demo's region that is not opted in is marked (its calls are refused so); its enabled, SCP-denied one is not.
  await expect(region.locator('option[value="ap-southeast-4"]')).toHaveText(
    'Asia Pacific (Melbourne) ap-southeast-4 — not enabled for this account',
  );
  await expect(region.locator('option[value="sa-east-1"]')).toHaveText('South America (São Paulo) sa-east-1');
  await region.selectOption('us-east-1');
  const profile = field(page, 'settings.profile').getByRole('combobox');
  await expect(profile.locator('option[value="ml-research"]')).toHaveCount(1);
  await profile.selectOption('ml-research');

  // Monitoring: out of bounds is refused by main with a sentence; then saved.
  const monitoring = page.getByTestId('settings-monitoring');
  const interval = field(page, 'settings.interval').getByRole('textbox');
  await interval.fill('0');
  await page.getByTestId('monitoring-save').click();
  await expect(monitoring.getByRole('alert')).toContainText('Not saved: The monitoring interval is at least 1 second.');
  await interval.fill('100000');
  await page.getByTestId('monitoring-save').click();
  await expect(monitoring.getByRole('alert')).toContainText('at most 300 seconds');
  await interval.fill('30');
  await field(page, 'settings.minutes').getByRole('textbox').fill('45');
  await page.getByTestId('monitoring-save').click();
  await expect(page.getByTestId('monitoring-status')).toHaveText('Saved');
  await expect(monitoring.getByRole('alert')).toHaveCount(0);

  // Notifications.
  await page.getByTestId('notify-teardown').click();
  await expect(page.getByTestId('notify-teardown')).not.toBeChecked();

  // Data folder: outside the host's allowed folders is refused; inside is taken.
  const folderCard = page.getByTestId('settings-data-folder');
  await field(page, 'settings.dataFolder').getByRole('textbox').fill(outside);
  await page.getByTestId('data-folder-choose').click();
  await expect(folderCard.getByRole('alert')).toContainText('outside the folders this host may write to');
  await field(page, 'settings.dataFolder').getByRole('textbox').fill(join(allowed, 'runs'));
  await page.getByTestId('data-folder-choose').click();
  await expect(page.getByTestId('data-folder')).toHaveText(join(allowed, 'runs'));
  await expect(folderCard.getByRole('alert')).toHaveCount(0);

  // Theme: Dark wins over a light OS at once, Light over a dark OS, System follows the OS.
  const theme = page.getByRole('radiogroup', { name: 'Theme' });
  await page.emulateMedia({ colorScheme: 'light' });
  await theme.getByText('Dark').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background(page)).toBe(DARK_BG);
  await page.emulateMedia({ colorScheme: 'dark' });
  await theme.getByText('Light').click();
  await expect.poll(() => background(page)).toBe(LIGHT_BG);
  await theme.getByText('System').click();
  await expect.poll(() => background(page)).toBe(DARK_BG);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => background(page)).toBe(LIGHT_BG);
  await theme.getByText('Dark').click();
  await expect.poll(() => background(page)).toBe(DARK_BG);

  // A restarted host (same data folder) answers what was saved; the page paints dark from the start.
  await host!.stop();
  host = await startWebHost({ env, dataDir, args: ['--allow-dir', allowed] });
  await openSettings(page, host.url);
  expect(await background(page)).toBe(DARK_BG);
  await expect(region).toHaveValue('us-east-1');
  await expect(profile).toHaveValue('ml-research');
  await expect(interval).toHaveValue('30');
  await expect(field(page, 'settings.minutes').getByRole('textbox')).toHaveValue('45');
  await expect(page.getByTestId('notify-teardown')).not.toBeChecked();
  await expect(page.getByTestId('data-folder')).toHaveText(join(allowed, 'runs'));

  // The wizard starts from the chosen profile and region.
  await nav(page, 'Launch').click();
  await page.getByTestId('start-wizard').click();
  await expect(field(page, 'aws.region').getByRole('combobox')).toHaveValue('us-east-1');
  await expect(field(page, 'aws.profile').getByRole('combobox')).toHaveValue('ml-research');
  await expect(field(page, 'aws.region').locator('option[value="us-east-1"]')).toHaveText(
    'US East (N. Virginia) us-east-1',
  );

  // Both themes at both widths, axe clean.
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    for (const scheme of ['light', 'dark'] as const) {
      await nav(page, 'Settings').click();
      await page
        .getByRole('radiogroup', { name: 'Theme' })
        .getByText(scheme === 'light' ? 'Light' : 'Dark')
        .click();
      await expect.poll(() => background(page)).toBe(scheme === 'light' ? LIGHT_BG : DARK_BG);
      await page.getByTestId('doctor-check-node').waitFor();
      await expectAccessible(page, `settings at ${width} (${scheme})`);
      await screenshot(page, `settings-${width}-${scheme}`);
    }
  }
  // The old tab knocking on the stopped host while it restarted is expected; nothing else is.
  expect(problems.filter((problem) => !problem.includes('net::ERR_CONNECTION_REFUSED'))).toEqual([]);
});
