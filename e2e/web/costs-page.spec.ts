import { expect, test } from '@playwright/test';

import { expectAccessible } from './axe';
import { collectProblems, nav, openApp, shotAtWidths, useWebHost } from './support';

/**
 * The Costs page as a user of the demo account (TRAINDECK_FAKE_AWS=1) meets it: scanned at app
 * start (no click), a background rescan on open with "Scanning N / M regions", full run ids and
 * Name tags, sort by $/h and filter by owner, a line per run with "Tear down run", a Delete per
 * row; the confirmation keeps the Owner column, groups by run, and its typed-phrase field is in
 * view without scrolling; toasts sit above the page, never over the table.
 */
const host = useWebHost({ TRAINDECK_FAKE_AWS: '1' });

test('Costs: scanned at start, sortable and filterable, per-run teardown and per-row delete, the phrase in view', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  // What went over the socket: the scans asked for and the progress main reported.
  const scans: number[] = [];
  const progress: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => {
      if (String(payload).includes('"command":"costs.scan"')) scans.push(Date.now());
    });
    ws.on('framereceived', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as { event?: string; payload?: { done: number; total: number } };
      if (frame.event === 'costs.scanProgress') progress.push(`${frame.payload!.done}/${frame.payload!.total}`);
    });
  });
  // Scanned at start: the burn rate is known on another page already.
  await openApp(page, host().url, 'Costs');
  const table = page.getByTestId('resource-table');
  await expect(table.locator('tbody tr')).toHaveCount(9);
  // The demo account's regional prices (the Price List source), as costs.spec checks.
  await expect(page.getByTestId('burn-rate')).toHaveText('$1.27/h');
  // One scan, at start (opening the page on a fresh scan asks for none), reported region by region.
  expect(scans).toHaveLength(1);
  const total = progress[0]!.split('/')[1];
  expect(progress[0]).toBe(`0/${total}`);
  expect(progress.at(-1)).toBe(`${total}/${total}`);

  // Whole run ids in the tooltip (one line each in the table: costs-one-line.spec), and the Name tag of untracked resources.
  const runCell = table.locator('.resource-table__run').first();
  await expect(runCell).toHaveAttribute('title', /^[a-z0-9-]+-\d{8}-\d{6}-[0-9a-f]{4}$/);
  const names = await table.locator('tr[data-ours="false"] .resource-table__name').allTextContents();
  expect(names.length).toBeGreaterThan(0);

  // Sort by $/h: dearest first (unknown on top), then cheapest first, then the scan's order.
  const prices = async () =>
    (await table.locator('tbody tr td:nth-child(6)').allTextContents()).map((t) =>
      t === 'unknown' ? Infinity : Number(t.replace(/[$/h,]/g, '')),
    );
  await page.getByTestId('sort-hourly').click();
  const down = await prices();
  expect(down).toEqual([...down].sort((a, b) => b - a));
  await expect(table.locator('th[aria-sort="descending"]')).toHaveCount(1);
  await page.getByTestId('sort-hourly').click();
  const up = await prices();
  expect(up).toEqual([...up].sort((a, b) => a - b));

  // Filter: untracked only, TrainDeck only, all.
  await page.getByTestId('filter-untracked').click();
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(table.locator('tbody tr[data-ours="true"]')).toHaveCount(0);
  await page.getByTestId('filter-ours').click();
  await expect(table.locator('tbody tr[data-ours="false"]')).toHaveCount(0);
  await page.getByTestId('filter-all').click();
  await expect(table.locator('tbody tr')).toHaveCount(9);

  // One line per run holding resources, each with its teardown; real plurals throughout.
  const runs = page.getByTestId('costs-runs');
  await expect(runs.locator('li').first()).toContainText(/\d+ resources? · \$/);
  await expect(page.locator('body')).not.toContainText('(s)');
  await expectAccessible(page, 'costs, sorted and filtered');
  await shotAtWidths(page, 'costs-page');

  // A background rescan on open (the scan is over a minute old by the clock the page uses): progress, the old table stays.
  await page.clock.install();
  await page.clock.fastForward(120_000);
  await nav(page, 'Launch').click();
  await nav(page, 'Costs').click();
  await expect.poll(() => scans.length).toBe(2);
  // Meanwhile the last scan stays on screen, and the line says how far the new one is.
  await expect(table.locator('tbody tr')).toHaveCount(9);
  await expect(page.getByTestId('scan-progress')).toHaveCount(0);

  // The confirmation: grouped by run, Owner column kept.
  await page.getByRole('button', { name: 'Kill all cost resources' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.locator('.kill-dialog__run').first()).toContainText('Run ');
  await expect(dialog.getByRole('columnheader', { name: 'Owner' }).first()).toBeVisible();
  await dialog.getByTestId('include-untracked').check();
  await dialog.getByTestId('untracked-ask').click();
  const phrase = dialog.getByTestId('untracked-phrase');
  await expect(phrase).toBeVisible();
  // In view without scrolling: inside the dialog's box and the window, whatever the list's length.
  await page.setViewportSize({ width: 1280, height: 720 });
  await expect(phrase).toBeInViewport();
  await expectAccessible(page, 'the confirmation with the phrase');
  await shotAtWidths(page, 'costs-page-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Per row: Delete one untracked resource asks for its own one-use phrase; per run: "Tear down run" lists that run.
  const untrackedRow = table.locator('tr[data-ours="false"]').first();
  const untrackedId = (await untrackedRow.getAttribute('data-testid'))!.replace(/^resource-/, '');
  await page.getByTestId(`delete-${untrackedId}`).click();
  await expect(dialog.getByRole('heading', { level: 2 })).toHaveText('Delete 1 cost resource?');
  await expect(dialog.getByTestId('include-untracked')).toBeChecked();
  await expect(dialog.getByTestId('kill-confirm')).toBeDisabled();
  await expect(dialog.getByTestId('kill-confirm')).toHaveText('Delete 1 resource');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  const firstRun = runs.locator('li').first();
  const firstRunId = (await firstRun.locator('.mono').textContent())!;
  await firstRun.getByRole('button', { name: 'Tear down run' }).click();
  await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(`Tear down run ${firstRunId}?`);
  await expect(dialog.locator('.kill-dialog__run')).toHaveCount(1);
  await dialog.getByTestId('kill-confirm').click();
  await expect(page.getByTestId('kill-verdict')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId(`costs-run-${firstRunId}`)).toHaveCount(0);
  // The card says what was done: that run's teardown, not a kill-all.
  const card = page.getByTestId('kill-progress');
  await expect(card.getByRole('heading', { level: 2 })).toHaveText(`Teardown of run ${firstRunId} finished`);
  await expect(card.getByTestId('kill-verdict')).toContainText('Nothing of this run remains');
  await expect(card).not.toContainText('Kill-all');
  // The notification of the teardown sits above the page: it covers no row of the table.
  const toast = page.getByTestId('toast').first();
  await expect(toast).toBeVisible();
  const [toastBox, tableBox] = [await toast.boundingBox(), await table.boundingBox()];
  expect(toastBox!.y + toastBox!.height).toBeLessThanOrEqual(tableBox!.y);
  await expectAccessible(page, 'costs, a run torn down');
  await shotAtWidths(page, 'costs-page-teardown-run');
  expect(problems).toEqual([]);
});
