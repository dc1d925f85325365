import { join } from 'node:path';

import { expect, test } from '@playwright/test';

import { expectAccessible } from './axe';
import { ARTIFACTS, collectProblems, nav, openApp, PAGES, useWebHost, VERSION } from './support';

/**
 * The renderer shell through the browser host: every page, the doctor round trip, the
 * token leaving the address bar, both themes, the smallest window, and screenshots for
 * review. Waits only on DOM state, never sleeps.
 */
// No AWS credentials anywhere (none in the environment, no ~/.aws, no instance metadata): a first start.
const host = useWebHost({
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
});
// Without credentials the Launch page is "Connect your AWS account" (wizard-first-start.spec.ts), not the wizard's start.
const FIRST_START_TEXT: Record<string, readonly string[]> = {
  launch: ['Connect your AWS account', 'Copy the IAM policy', 'No templates yet'],
};

test('every page renders, Settings shows the real doctor report, no console errors', async ({ page }) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url);

  // The token moved to sessionStorage and left the address bar.
  expect(page.url()).not.toContain('token');
  expect(page.url()).not.toContain(host().token);
  await expect(page.locator('html')).toHaveAttribute('data-connection', 'connected');

  // Sidebar footer: version and transport come from app.info.
  await expect(page.getByTestId('app-meta')).toContainText(`v${VERSION}`);
  await expect(page.getByTestId('app-meta')).toContainText('Browser mode');
  await expect(page.getByTestId('connection-indicator')).toHaveText('Connected');
  await expect(page.getByRole('main')).toBeVisible();

  for (const { id, title, text } of PAGES) {
    await nav(page, title).click();
    await expect(nav(page, title)).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    await expect(page).toHaveTitle(`${title} · TrainDeck`);
    for (const snippet of FIRST_START_TEXT[id] ?? text) await expect(page.getByRole('main')).toContainText(snippet);
    if (id === 'settings') await page.getByTestId('doctor-check-node').waitFor();
    await expectAccessible(page, `${id} (light)`);
    await page.screenshot({ path: join(ARTIFACTS, `web-${id}.png`), fullPage: true, animations: 'disabled' });
  }

  // Only one page is current at a time.
  await expect(page.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]')).toHaveCount(1);

  // The unavailable actions are visible, inert and explained.
  await nav(page, 'Costs').click();
  const kill = page.getByRole('button', { name: 'Kill all cost resources' });
  await expect(kill).toBeVisible();
  await expect(kill).toBeDisabled();
  await expect(kill).toHaveAccessibleDescription(/Scan all regions first/);

  // The round trip: system.doctor answered by the host's own Node.
  await nav(page, 'Settings').click();
  const node = page.getByTestId('doctor-check-node');
  await expect(node).toContainText('Node.js');
  await expect(node).toContainText(process.version);
  await expect(node).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('doctor-check-aws-region')).toContainText('AWS region');
  await expect(page.getByTestId('about-card')).toContainText(`Version ${VERSION}`);

  // Re-check calls the command again and settles back to idle.
  const recheck = page.getByTestId('doctor-recheck');
  await recheck.click();
  await expect(recheck).not.toHaveAttribute('aria-busy', 'true');
  await expect(node).toContainText(process.version);

  // Keyboard: arrows move between sidebar items, Enter opens one.
  await nav(page, 'Launch').focus();
  await page.keyboard.press('ArrowDown');
  await expect(nav(page, 'Runs')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Runs');

  // Both themes follow the OS setting.
  await nav(page, 'Settings').click();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe(colorScheme === 'dark' ? 'rgb(15, 20, 32)' : 'rgb(246, 247, 251)');
    await page.screenshot({ path: join(ARTIFACTS, `web-${colorScheme}.png`), fullPage: true, animations: 'disabled' });
  }
  for (const { id, title } of PAGES) {
    await nav(page, title).click();
    await expectAccessible(page, `${id} (dark)`);
    await page.screenshot({ path: join(ARTIFACTS, `web-${id}-dark.png`), fullPage: true, animations: 'disabled' });
  }

  // Electron's smallest window: nothing may overflow sideways on any page.
  await page.setViewportSize({ width: 960, height: 620 });
  for (const { id, title } of PAGES) {
    await nav(page, title).click();
    const overflow = await page.evaluate(() => {
      const body = document.querySelector('.page-body');
      return {
        page: document.documentElement.scrollWidth - window.innerWidth,
        body: body ? body.scrollWidth - body.clientWidth : 0,
      };
    });
    expect(overflow, `horizontal overflow on ${id}`).toEqual({ page: 0, body: 0 });
  }
  await nav(page, 'Costs').click();
  await page.screenshot({ path: join(ARTIFACTS, 'web-narrow-costs.png'), animations: 'disabled' });

  expect(problems).toEqual([]);
});
