import { expect, test } from '@playwright/test';

import { expectAccessible } from './axe';
import { ARTIFACTS, collectProblems, openApp, screenshot, useWebHost } from './support';

/**
 * The cost panel against the in-memory AWS account (TRAINDECK_FAKE_AWS=1, seeded with a
 * TrainDeck run in eu-west-1, leftovers in us-east-1, untracked resources in us-west-2 and an
 * enabled region whose calls are denied): scan, total, confirmation, typed phrase, live progress, and
 * the verified "0 cost resources remain".
 */
const host = useWebHost({ TRAINDECK_FAKE_AWS: '1' });

const shot = screenshot;

test('scan lists every region, kill-all confirms exactly what it deletes and ends with 0 cost resources', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  // The demo account deletes everything in about a second: the kill-all's end (its job's
  // `succeeded`, carrying the rescan) is held back until the live progress has been seen.
  const held: string[] = [];
  let holdTheEnd = true;
  let sendToPage: (message: string) => void = () => undefined;
  await page.routeWebSocket(/\/ipc/, (ws) => {
    const server = ws.connectToServer();
    sendToPage = (message) => ws.send(message);
    ws.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      const text = String(message);
      if (
        holdTheEnd &&
        text.includes('"event":"jobs.event"') &&
        text.includes('"type":"succeeded"') &&
        text.includes('"survivors"')
      ) {
        held.push(text);
      } else ws.send(message);
    });
  });
  await openApp(page, host().url, 'Costs');
  // The app scanned at start: the page opens on that scan, no click needed.
  const table = page.getByTestId('resource-table');
  await expect(table.locator('tbody tr')).toHaveCount(9);
  // g5.xlarge + its IPv4, gp3 150 GB, gp3 200 GB, an Elastic IP, t3.large, gp2 30 GB, a 50 GB snapshot, at each region's own (fake Price List) prices.
  await expect(page.getByTestId('burn-rate')).toHaveText('$1.27/h');
  // An enabled region whose calls are denied is reported; the region not opted in is not enabled, so not scanned.
  await expect(page.getByTestId('region-strip')).toContainText('sa-east-1');
  await expect(page.getByTestId('region-strip')).toContainText('no permission');
  await expect(page.getByTestId('region-strip')).not.toContainText('ap-southeast-4');
  await expect(page.getByTestId('resource-i-0a1b2c3d4e5f60718')).toContainText('g5.xlarge');
  await expect(page.getByTestId('resource-i-0a1b2c3d4e5f60718')).toContainText('TrainDeck');
  await expect(page.getByTestId('resource-i-07e57e57e57e57e57')).toContainText('Untracked');
  await expectAccessible(page, 'costs after a scan');
  await shot(page, 'costs-scan');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'costs-scan-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Electron's smallest window: the table scrolls inside its card, the page never sideways.
  await page.setViewportSize({ width: 960, height: 620 });
  const overflow = await page.evaluate(() => {
    const body = document.querySelector('.page-body');
    return {
      page: document.documentElement.scrollWidth - window.innerWidth,
      body: body ? body.scrollWidth - body.clientWidth : 0,
    };
  });
  expect(overflow).toEqual({ page: 0, body: 0 });
  await page.screenshot({ path: `${ARTIFACTS}/costs-scan-narrow.png`, animations: 'disabled' });
  await page.setViewportSize({ width: 1360, height: 860 });

  await page.getByRole('button', { name: 'Kill all cost resources' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('.kill-dialog__run tbody tr')).toHaveCount(6);
  await expect(dialog.getByTestId('kill-list-untracked').locator('tbody tr')).toHaveCount(3);
  const confirm = dialog.getByTestId('kill-confirm');
  await expect(confirm).toHaveText('Delete 6 resources');
  await expectAccessible(page, 'the kill-all confirmation');
  await shot(page, 'costs-kill-confirm');

  // Untracked resources need the box and the phrase main printed on the host's terminal (the
  // page cannot read it; this test plays the user who reads the terminal).
  await dialog.getByTestId('include-untracked').check();
  await expect(confirm).toHaveText('Delete 9 resources');
  await expect(confirm).toBeDisabled();
  await dialog.getByTestId('untracked-ask').click();
  await expect(dialog).toContainText('the terminal where the browser host runs');
  await expect.poll(() => /type this phrase in the window: (.+)/.exec(host().stderr())?.[1]).toBeTruthy();
  const phrase = /type this phrase in the window: (.+)/.exec(host().stderr())![1]!;
  expect(phrase).toMatch(/^delete 3 untracked [a-z]+-\d\d$/);
  await dialog.getByTestId('untracked-phrase').fill('delete all');
  await expect(confirm).toBeDisabled();
  await dialog.getByTestId('untracked-phrase').fill(phrase);
  await expect(confirm).toBeEnabled();
  await shot(page, 'costs-kill-untracked');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'costs-kill-untracked-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await confirm.click();
  await expect(dialog).toBeHidden();
  const progress = page.getByTestId('kill-progress');
  await expect(progress).toBeVisible();
  // Live per-resource progress: rows turn "Deleted" one after another.
  await expect(page.locator('[data-testid="resource-table"] tr[data-deletion="deleted"]')).toHaveCount(9);
  await expectAccessible(page, 'costs, a kill-all deleting');
  await shot(page, 'costs-kill-progress');
  holdTheEnd = false;
  for (const message of held.splice(0)) sendToPage(message);
  await expect(page.getByTestId('kill-verdict')).toContainText('0 cost resources remain', { timeout: 30_000 });
  await expect(progress).toHaveAttribute('data-state', 'succeeded');
  await expect(page.getByTestId('burn-rate')).toHaveText('$0.00/h');
  await expect(page.getByTestId('costs-clean')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Kill all cost resources' })).toHaveAttribute('aria-disabled', 'true');
  await expectAccessible(page, 'costs after kill-all');
  await shot(page, 'costs-kill-done');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'costs-kill-done-dark');

  expect(problems).toEqual([]);
});
