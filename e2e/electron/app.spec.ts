/**
 * End-to-end check of the real desktop app: launches dist/main/main.cjs in Electron and checks
 * the security boundary the renderer sees (no Node, a two-function bridge, no extra windows)
 * and the IPC round trip. Needs `npm run build` first, and the Electron binary: where that
 * was never downloaded (`npm run electron:fetch`) the whole file is skipped with the reason.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type ElectronApplication, expect, type Page, test } from '@playwright/test';

import { locateElectronForTests, PROJECT_ROOT } from './electron-binary';
import { launchApp, type LaunchedApp } from './launch-app';

/** What the page can reach on `window`; loose on purpose so the tests can send bad input. */
interface PageGlobals {
  require?: unknown;
  traindeck: { invoke(command: string, request: unknown): Promise<unknown>; subscribe: unknown };
  open(url: string): unknown;
}

const SCREENSHOT = path.join(PROJECT_ROOT, 'e2e', 'artifacts', 'electron-main.png');

const electronBinary = locateElectronForTests();
// Print the skip reason once: Playwright loads this file in the runner (no TEST_WORKER_INDEX)
// and again in a worker.
if (!electronBinary.found && process.env.TEST_WORKER_INDEX === undefined) {
  console.log(`[electron e2e] skipped: ${electronBinary.reason}`);
}

test.describe('TrainDeck desktop app', () => {
  test.skip(!electronBinary.found, electronBinary.found ? '' : electronBinary.reason);
  test.describe.configure({ mode: 'serial' });

  let launched: LaunchedApp | undefined;
  let page: Page;
  const running = (): ElectronApplication => {
    if (!launched) throw new Error('Electron app is not running');
    return launched.app;
  };

  test.beforeAll(async () => {
    if (!electronBinary.found) return;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'traindeck-electron-e2e-'));
    // launchApp hides every AWS_* variable and ~/.aws file: the app never sees a real account.
    launched = await launchApp(electronBinary.executablePath, dataDir);
    page = launched.page;
  });

  test.afterAll(async () => {
    await launched?.close();
  });

  test('the page is served from app://traindeck/, and nothing outside the renderer folder is', async () => {
    expect(page.url()).toMatch(/^app:\/\/traindeck\/index\.html/);
    const status = await page.evaluate(async () => (await fetch('/%2e%2e/%2e%2e/package.json')).status);
    expect(status).toBe(404);
  });

  test('the page has no Node integration', async () => {
    expect(await page.evaluate(() => typeof (globalThis as unknown as PageGlobals).require)).toBe('undefined');
  });

  test('the bridge exposes exactly invoke and subscribe', async () => {
    const keys = await page.evaluate(() => Object.keys((globalThis as unknown as PageGlobals).traindeck).sort());
    expect(keys).toEqual(['invoke', 'subscribe']);
  });

  test('app.info answers over Electron IPC', async () => {
    const result = await page.evaluate(() => (globalThis as unknown as PageGlobals).traindeck.invoke('app.info', {}));
    expect(result).toMatchObject({ ok: true, value: { transport: 'electron' } });
  });

  test('an unknown command is refused', async () => {
    const result = await page.evaluate(() => (globalThis as unknown as PageGlobals).traindeck.invoke('nope', {}));
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
  });

  test('window.open does not create a second window', async () => {
    // about:blank, not an https URL: those are handed to the user's browser by design.
    const returnedNull = await page.evaluate(() => (globalThis as unknown as PageGlobals).open('about:blank') === null);
    expect(returnedNull).toBe(true);
    // The open handler decides synchronously in main, so by now a window would exist.
    expect(await running().evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    expect(running().windows()).toHaveLength(1);
  });

  test('main window screenshot', async () => {
    await page.screenshot({ path: SCREENSHOT });
  });
});
