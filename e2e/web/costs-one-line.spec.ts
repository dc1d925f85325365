import { expect, test } from '@playwright/test';

import { RUN_ID_PATTERN } from '../../shared/domain/tags';
import {
  collectProblems,
  expectFitsSmallestWindow,
  lineCount,
  openApp,
  shotAccessibleAtWidths,
  useWebHost,
} from './support';

/**
 * What stays on one line at Electron's smallest window and at 1280 and 1920 px, in the demo
 * account: the demo badge under the mark, and each run id in the Costs table's Owner column
 * (a compact form to see; the whole id in its tooltip and in the cell's accessible name).
 */
const host = useWebHost({ TRAINDECK_FAKE_AWS: '1' });

test('the demo badge and the run ids of the Owner column take one line at 960, 1280 and 1920 px', async ({ page }) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url, 'Costs');
  const table = page.getByTestId('resource-table');
  await expect(table.locator('tbody tr')).toHaveCount(9);
  const badge = page.getByTestId('demo-badge');
  await expect(badge).toHaveText('Demo account — nothing is real');

  const runs = table.locator('.resource-table__run');
  const count = await runs.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const run = runs.nth(i);
    const id = (await run.getAttribute('title'))!;
    expect(id).toMatch(RUN_ID_PATTERN);
    // The cell reads as its owner and the whole id, never the compact form.
    await expect(run.locator('xpath=ancestor::td[1]')).toHaveAccessibleName(`TrainDeck ${id}`);
  }

  for (const width of [960, 1280, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    expect(await lineCount(badge), `demo badge lines at ${width} px`).toBe(1);
    // From 1280 px the whole table is in view, Delete included: no sideways scrolling (at 960 its region scrolls).
    if (width >= 1280) {
      const scroll = page.getByRole('region', { name: 'Cost resources in every region' });
      expect(await scroll.evaluate((el) => el.scrollWidth - el.clientWidth), `table overflow at ${width} px`).toBe(0);
    }
    for (let i = 0; i < count; i++) {
      expect(await lineCount(runs.nth(i)), `run id ${i} lines at ${width} px`).toBe(1);
      // Not cut by the cell's ellipsis either: the compact form fits whole.
      expect(
        await runs.nth(i).evaluate((el) => el.scrollWidth <= el.clientWidth),
        `run id ${i} cut at ${width} px`,
      ).toBe(true);
    }
  }

  await page.setViewportSize({ width: 1360, height: 860 });
  await expectFitsSmallestWindow(page, 'costs-one-line-960');
  await shotAccessibleAtWidths(page, 'costs-one-line');
  expect(problems).toEqual([]);
});
