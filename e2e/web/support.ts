import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { expect, type Locator, type Page, test } from '@playwright/test';

import { WIRE_PATH, WIRE_TOKEN_PARAM } from '../../shared/ipc/wire';
import { type RunningHost, startWebHost } from '../support/web-host';
import { expectAccessible } from './axe';

/** Shared by the web specs: where screenshots go, the app version, and a console watcher. */

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
export const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Each page: its sidebar label and h1, and text its empty state must show. */
export const PAGES = [
  { id: 'launch', title: 'Launch', text: ['Configure a run', 'Start the launch wizard', 'No templates yet'] },
  { id: 'runs', title: 'Runs', text: ['No run in progress', 'No background jobs', 'No finished runs yet'] },
  { id: 'costs', title: 'Costs', text: ['$—/h', 'Kill all cost resources', 'No scan yet'] },
  { id: 'settings', title: 'Settings', text: ['Environment check', 'Node.js', 'About'] },
] as const;

/** Records console errors, uncaught exceptions and CSP violations of a page (call before goto). */
export async function collectProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  // CSP violations also reach the console, but this catches ones Chromium reports quietly.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return problems;
}

/** A sidebar item by its label. */
export function nav(page: Page, title: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: title });
}

/**
 * Waits for the app's ready signal (`data-app-ready` on <html>: the first state from main has
 * arrived); `timeout` for a wait longer than Playwright's default, e.g. a host coming back.
 */
export async function appReady(page: Page, timeout?: number): Promise<void> {
  await page.locator('html[data-app-ready="true"]').waitFor(timeout === undefined ? {} : { timeout });
}

/**
 * Opens the app at `url` (a host's address with its token), waits until it is ready, then opens
 * the sidebar page `title` if one is named.
 */
export async function openApp(page: Page, url: string, title?: string): Promise<void> {
  await page.goto(url);
  await appReady(page);
  if (title) await nav(page, title).click();
}

/**
 * Sends one command to the host over a command socket of its own (opened from the page, with the
 * host's `token`), as the app would; returns the result frame's `result` (`{ ok, value | error }`).
 * For a spec's setup, e.g. a template saved before the page opens it.
 */
export async function invokeOnHost(page: Page, token: string, command: string, payload: unknown): Promise<unknown> {
  const result = await page.evaluate(
    ({ path, param, token, command, payload }) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://${location.host}${path}?${param}=${encodeURIComponent(token)}`);
        ws.onmessage = (message) => {
          const frame = JSON.parse(String(message.data)) as { type: string; result?: unknown };
          if (frame.type !== 'result') return;
          ws.close();
          resolve(JSON.stringify(frame.result));
        };
        ws.onopen = () => ws.send(JSON.stringify({ type: 'invoke', id: 1, command, payload }));
        ws.onerror = () => resolve(JSON.stringify({ ok: false, error: 'socket error' }));
      }),
    { path: WIRE_PATH, param: WIRE_TOKEN_PARAM, token, command, payload },
  );
  return JSON.parse(result) as unknown;
}

/** Reloads the app, waits until it is ready, then opens the sidebar page `title` if one is named. */
export async function reloadApp(page: Page, title?: string): Promise<void> {
  await page.reload();
  await appReady(page);
  if (title) await nav(page, title).click();
}

/**
 * Starts one browser host for the spec file (and the artifacts folder), stops it by PID
 * after the last test; returns a getter because the host exists only once beforeAll ran.
 * `env` adds variables, e.g. TRAINDECK_FAKE_AWS=1 for the in-memory AWS account. `args` adds
 * host flags (read when the host starts, so a spec may fill the array in an earlier beforeAll),
 * e.g. `--allow-dir` for the folders its files live in: the host reads nothing else for the page.
 */
export function useWebHost(env?: NodeJS.ProcessEnv, args: string[] = []): () => RunningHost {
  let host: RunningHost | undefined;
  test.beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    host = await startWebHost({ ...(env ? { env } : {}), args });
  });
  test.afterAll(async () => {
    await host?.stop();
  });
  return () => {
    if (!host) throw new Error('the web host is not running');
    return host;
  };
}

/**
 * A data folder for the spec's browser host on the demo account (TRAINDECK_FAKE_AWS=1), filled by
 * `write` (runs a user had before, say) and removed after the file's last test. Hand `env` to
 * `useWebHost`, called after this: this beforeAll must fill the folder before the host starts.
 * `name` names the temporary folder; `dataDir()` is the folder once written.
 */
export function useDataDirOnDisk(
  name: string,
  write: (dataDir: string) => void,
): { env: NodeJS.ProcessEnv; dataDir: () => string } {
  const env: NodeJS.ProcessEnv = { TRAINDECK_FAKE_AWS: '1' };
  let dir: string | undefined;
  test.beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `traindeck-e2e-${name}-`));
    write(dir);
    // Read by startWebHost when the host starts, after this hook.
    env.TRAINDECK_DATA_DIR = dir;
  });
  test.afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    env,
    dataDir: () => {
      if (!dir) throw new Error('the data folder is not written yet');
      return dir;
    },
  };
}

/**
 * A browser host on the in-memory demo account (TRAINDECK_FAKE_AWS=1) whose HOME is a new folder
 * (`home`, removed after the file's last test) with a default profile in eu-west-1 and no
 * credentials file; the host may read and write in that folder only. `home` exists at once, so a
 * spec can put its files there before the host starts.
 */
export function useDemoHost(name: string): { home: string; host: () => RunningHost } {
  const home = mkdtempSync(join(tmpdir(), `traindeck-${name}-`));
  writeFileSync(join(home, 'aws-config'), '[default]\nregion = eu-west-1\n');
  const host = useWebHost(
    {
      TRAINDECK_FAKE_AWS: '1',
      AWS_CONFIG_FILE: join(home, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
      HOME: home,
    },
    ['--allow-dir', home],
  );
  test.afterAll(() => rmSync(home, { recursive: true, force: true }));
  return { home, host };
}

/**
 * A screenshot of the whole page body: the app scrolls inside its shell (the document never
 * does), so the viewport grows to the body's height for the shot, then returns to its size.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  // The pointer rests where the last click left it: off the page, no hover state or chart tooltip in the shot.
  await page.mouse.move(0, 0);
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => {
    const body = document.querySelector('.page-body');
    return body ? body.getBoundingClientRect().top + body.scrollHeight : document.documentElement.scrollHeight;
  });
  if (viewport && height > viewport.height) {
    await page.setViewportSize({ width: viewport.width, height: Math.ceil(height) });
  }
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
  if (viewport) await page.setViewportSize(viewport);
}

/**
 * At Electron's smallest window (960 × 620) the page body must not scroll sideways; screenshots
 * the whole body at that width ({@link screenshot}: what sits below the fold is in the shot too),
 * then restores the size.
 */
export async function expectFitsSmallestWindow(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 960, height: 620 });
  const overflow = await page.evaluate(() => {
    const body = document.querySelector('.page-body');
    return {
      page: document.documentElement.scrollWidth - window.innerWidth,
      body: body ? body.scrollWidth - body.clientWidth : 0,
    };
  });
  await screenshot(page, name);
  if (viewport) await page.setViewportSize(viewport);
  expect(overflow, `horizontal overflow in ${name}`).toEqual({ page: 0, body: 0 });
}

/** A page in light, at the smallest window (checked for sideways overflow) and in dark: `NAME`, `NAME-narrow`, `NAME-dark`. */
export async function shotEveryWay(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await expectFitsSmallestWindow(page, `${name}-narrow`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Shots at 1280 and 1920 px, light and dark (`NAME-1280`, `NAME-1920-dark`…), then back to the
 * projects' viewport.
 */
export async function shotAtWidths(page: Page, name: string): Promise<void> {
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 860 });
    await screenshot(page, `${name}-${width}`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, `${name}-${width}-dark`);
    await page.emulateMedia({ colorScheme: 'light' });
  }
  await page.setViewportSize({ width: 1360, height: 860 });
}

/**
 * Axe on the page as it is now, in light and in dark (then back to light): for a long page whose
 * layout does not change between widths, where {@link shotAccessibleAtWidths}' four axe runs take a
 * minute on a loaded machine; pair it with {@link shotAtWidths}.
 */
export async function expectAccessibleLightAndDark(page: Page, where: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Two frames: the new scheme's styles are computed, so its colour fades exist for axe.ts to wait for.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await expectAccessible(page, `${where} (${scheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Axe-checked shots at 1280 and 1920 px, light and dark (`NAME-1280`, `NAME-1920-dark`…), then
 * light at 1280 × 800.
 */
export async function shotAccessibleAtWidths(page: Page, name: string): Promise<void> {
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectAccessible(page, `${name} at ${width} (${scheme})`);
      await screenshot(page, `${name}-${width}${scheme === 'dark' ? '-dark' : ''}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
}

/**
 * How many lines the text of a block element takes: its content height over its line height
 * (what a reader sees as wrapping, whatever the font and the markup inside).
 */
export async function lineCount(locator: Locator): Promise<number> {
  return locator.evaluate((element) => {
    const style = getComputedStyle(element);
    const content = element.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    return Math.round(content / parseFloat(style.lineHeight));
  });
}

/** A wizard field by its key ("compute.ttlMinutes"): its label, control, hint and error. */
export const field = (page: Page, key: string) => page.getByTestId(`field-${key}`);

/** Clicks the wizard's Next. */
export const next = (page: Page) => page.getByTestId('wizard-next').click();

/** Waits until the wizard shows `step`. */
export const atStep = (page: Page, step: string) =>
  expect(page.getByTestId('wizard')).toHaveAttribute('data-step', step);

/** The Training step with `command` typed, then Next to Review. */
export async function trainAndReview(page: Page, command = 'python train.py'): Promise<void> {
  await atStep(page, 'training');
  await field(page, 'training.command').getByRole('textbox').fill(command);
  await next(page);
  await atStep(page, 'review');
}
