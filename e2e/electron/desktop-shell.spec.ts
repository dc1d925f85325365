/**
 * The desktop shell in the real Electron (where the binary exists; skipped with the reason
 * otherwise): the Copy buttons' clipboard permission, "Kill all cost resources…" opening a
 * closed window straight on Costs, and the log file. The same paths run under a stand-in
 * `electron` module in main/app/main-startup.test.ts, which runs everywhere.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type ElectronApplication, expect, type Page, test } from '@playwright/test';

import { locateElectronForTests } from './electron-binary';
import { launchApp, type LaunchedApp } from './launch-app';

const electronBinary = locateElectronForTests();
if (!electronBinary.found && process.env.TEST_WORKER_INDEX === undefined) {
  console.log(`[electron e2e] desktop shell skipped: ${electronBinary.reason}`);
}

test.describe('TrainDeck desktop shell', () => {
  test.skip(!electronBinary.found, electronBinary.found ? '' : electronBinary.reason);
  test.describe.configure({ mode: 'serial' });

  let launched: LaunchedApp | undefined;
  let dataDir = '';
  const app = (): ElectronApplication => {
    if (!launched) throw new Error('Electron app is not running');
    return launched.app;
  };

  test.beforeAll(async () => {
    if (!electronBinary.found) return;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'traindeck-electron-shell-'));
    launched = await launchApp(electronBinary.executablePath, dataDir);
  });

  test.afterAll(async () => {
    await launched?.close();
  });

  test('the page may write the clipboard (its Copy buttons), and nothing else is granted', async () => {
    const page = launched!.page;
    await page.bringToFront();
    const written = await page.evaluate(() =>
      navigator.clipboard.writeText('traindeck clipboard check').then(
        () => 'ok',
        (error: unknown) => String(error),
      ),
    );
    expect(written).toBe('ok');
    expect(await app().evaluate(({ clipboard }) => clipboard.readText())).toBe('traindeck clipboard check');
    const read = await page.evaluate(() =>
      navigator.clipboard.readText().then(
        () => 'read',
        () => 'refused',
      ),
    );
    expect(read).toBe('refused');
  });

  test('writes its log under TRAINDECK_DATA_DIR/logs', () => {
    const log = path.join(dataDir, 'data', 'logs', 'main.log');
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain('"message":"started"');
  });

  test('"Kill all cost resources…" with the window closed opens it straight on Costs', async () => {
    await app().evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
    await expect.poll(() => app().evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(0);
    // The app menu's item runs the same code as the tray's (showWindow('costs')); the tray has no API to click.
    const opened = app().waitForEvent('window');
    await app().evaluate(({ Menu }) => {
      const items = Menu.getApplicationMenu()?.items.flatMap((item) => item.submenu?.items ?? []) ?? [];
      const killAll = items.find((item) => item.label === 'Kill all cost resources…');
      if (!killAll) throw new Error('no "Kill all cost resources…" menu item');
      killAll.click();
    });
    const page: Page = await opened;
    await page.locator('[data-app-ready="true"]').waitFor({ state: 'attached' });
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Costs' })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });
});
