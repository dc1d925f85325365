import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, type Page, test } from '@playwright/test';

import { type RunningHost, startWebHost } from '../support/web-host';
import { appReady, ARTIFACTS, collectProblems, nav, openApp, screenshot, VERSION } from './support';

/**
 * Reconnect after the host process restarts: with `--token-file` and the same port an open tab
 * gets back in by itself; with a new per-launch token it is sent to the gate. ("Host went away"
 * alone is in session.spec.ts.)
 */

/** The backoff reaches 10 s (±25 %) and a host takes a moment to boot: the longest fair wait. */
const BACK_WITHIN_MS = 30_000;

let folder: string;
const hosts: RunningHost[] = [];

test.beforeEach(() => {
  mkdirSync(ARTIFACTS, { recursive: true });
  folder = mkdtempSync(join(tmpdir(), 'traindeck-reconnect-'));
});
test.afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** A host kept by this test: the token file and data folder outlive it, so a restart finds them. */
async function start(options: { port?: number; tokenFile?: boolean } = {}): Promise<RunningHost> {
  const host = await startWebHost({
    dataDir: join(folder, 'data'),
    args: options.tokenFile === false ? [] : ['--token-file', join(folder, 'web-token')],
    ...(options.port ? { port: options.port } : {}),
  });
  hosts.push(host);
  return host;
}

/** Stops the host by its PID and waits for the page to notice. */
async function stopAndSeeBanner(page: Page, host: RunningHost): Promise<void> {
  await host.stop();
  await page.locator('html[data-connection="reconnecting"]').waitFor();
  await expect(page.getByTestId('connection-banner')).toContainText('Lost the connection to TrainDeck.');
}

test('reconnect after the host process restarts', async ({ page }) => {
  const problems = await collectProblems(page);
  const first = await start();
  await openApp(page, first.url, 'Settings');
  await expect(page.getByTestId('doctor-check-node')).toContainText(process.version);

  await stopAndSeeBanner(page, first);
  // The banner pushed the layout down under a still pointer: screenshot() parks it, so no item shows hovered.
  await screenshot(page, 'web-reconnect-down');

  const second = await start({ port: first.port });
  expect(second.token).toBe(first.token);
  expect(second.pid).not.toBe(first.pid);
  await appReady(page, BACK_WITHIN_MS);
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  await expect(page.getByTestId('connection-indicator')).not.toContainText('Reconnecting');

  // The app works against the new process: a fresh doctor round trip, and every page opens.
  const recheck = page.getByTestId('doctor-recheck');
  await recheck.click();
  await expect(recheck).not.toHaveAttribute('aria-busy', 'true');
  await expect(page.getByTestId('doctor-check-node')).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('about-card')).toContainText(`Version ${VERSION}`);
  await nav(page, 'Runs').click();
  await expect(page.getByText('No background jobs')).toBeVisible();
  await nav(page, 'Settings').click();
  // Nothing was running, so nothing to report: the banner going away is the whole story.
  await expect(page.getByText('TrainDeck restarted')).toHaveCount(0);
  await screenshot(page, 'web-reconnect-back');

  // Commands failed while the host was down (that is the UNAVAILABLE answer); nothing else may.
  expect(problems.filter((problem) => !/ERR_CONNECTION_REFUSED|WebSocket connection/.test(problem))).toEqual([]);
});

test('a host restarted with a new token sends the tab to the gate, which says why', async ({ page }) => {
  // Three host starts and two waits of up to BACK_WITHIN_MS each: more than the default minute.
  test.setTimeout(120_000);
  const first = await start();
  await openApp(page, first.url);

  await stopAndSeeBanner(page, first);
  // Same port, but a per-launch token: this tab's token no longer opens it.
  const other = await start({ port: first.port, tokenFile: false });
  expect(other.token).not.toBe(first.token);
  await page.locator('html[data-connection="unauthorized"]').waitFor({ timeout: BACK_WITHIN_MS });
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toContainText('TrainDeck restarted with a new access token');
  await expect(banner).toContainText('Open the new link it printed');
  await expect(banner).toContainText('restart it with the --token-file and --port it used before');
  await expect(page.getByTestId('unauthorized-gate')).toBeVisible();
  await expect(page.getByTestId('unauthorized-gate')).toContainText('--token-file PATH --port N');
  await expect(page.locator('html')).toHaveAttribute('data-app-ready', 'false');
  await screenshot(page, 'web-reconnect-new-token');

  // Restarted again with the kept token, the same tab gets back in without a reload.
  await other.stop();
  await start({ port: first.port });
  await appReady(page, BACK_WITHIN_MS);
  await expect(page.getByTestId('unauthorized-gate')).toHaveCount(0);
});
