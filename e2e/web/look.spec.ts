import { expect, type Page, test } from '@playwright/test';

import { expectAccessible } from './axe';
import { monitorSnapshot, runSnapshot } from './monitor-fixture';
import { useFinishedRunOnDisk } from './report-fixture';
import { collectProblems, nav, openApp, PAGES, screenshot, useWebHost } from './support';

/**
 * The look of every page (#15 point 14) at 1280 and 1920 px, light and dark, against the demo
 * account with a finished run on disk: one content width for all pages, dates, regions and times
 * in tables on one line, phase labels whole, axe clean (the selected History row included).
 * Screenshots `look-PAGE-WIDTH-THEME` are for review.
 */
const finished = useFinishedRunOnDisk(Date.now());
const host = useWebHost(finished.env);

const WIDTHS = [1280, 1920] as const;
const THEMES = ['light', 'dark'] as const;

/** What a cell holding a date, a time, a duration or a region looks like. */
const ONE_LINE_CELL = String.raw`(\d{1,2}:\d\d|\d+ (h|min|s)\b|^[a-z]{2}(-gov)?-[a-z]+-\d$|\b\d{4}-\d\d-\d\d\b|[A-Z][a-z]{2} \d{1,2})`;

/** Every table cell whose text looks like a date, time, duration or region and runs over more than one line. */
async function wrappedCells(page: Page): Promise<string[]> {
  return page.evaluate((pattern) => {
    const matcher = new RegExp(pattern);
    const wrapped: string[] = [];
    for (const cell of document.querySelectorAll<HTMLElement>('.page-body td, .page-body th')) {
      const text = cell.innerText.trim();
      if (!text || !matcher.test(text)) continue;
      const range = document.createRange();
      range.selectNodeContents(cell);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) wrapped.push(`${text} (${tops.size} lines)`);
    }
    return wrapped;
  }, ONE_LINE_CELL);
}

/** The left edge and width of the page's content column. */
async function contentBox(page: Page): Promise<{ left: number; width: number }> {
  const box = await page.getByTestId('page-content').boundingBox();
  if (!box) throw new Error('no page content');
  return { left: Math.round(box.x), width: Math.round(box.width) };
}

async function showPage(page: Page, id: (typeof PAGES)[number]['id'], title: string): Promise<void> {
  await nav(page, title).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  if (id === 'settings') await page.getByTestId('doctor-check-node').waitFor();
  if (id === 'runs') {
    await page.getByTestId('run-history').getByRole('button', { name: 'resnet50-baseline' }).click();
    await expect(page.getByTestId('report-summary')).toBeVisible();
  }
  if (id === 'costs' && !(await page.getByTestId('resource-table').isVisible())) {
    await page.getByTestId('scan').click();
    await expect(page.getByTestId('resource-table').locator('tbody tr')).not.toHaveCount(0);
  }
  await page.getByTestId('page-body').evaluate((body) => body.scrollTo(0, 0));
}

test('every page: one content width, no wrapped dates or regions, whole phase labels, axe clean, both themes', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const problems = await collectProblems(page);
  await openApp(page, host().url);

  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const boxes: Record<string, { left: number; width: number }> = {};
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      for (const { id, title } of PAGES) {
        await showPage(page, id, title);
        boxes[id] = await contentBox(page);
        expect.soft(await wrappedCells(page), `wrapped cells on ${id} at ${width}`).toEqual([]);
        if (id === 'runs') {
          const cut = await page
            .locator('.timeline__label')
            .evaluateAll((labels) =>
              labels.filter((label) => label.scrollWidth > label.clientWidth).map((l) => l.textContent),
            );
          expect.soft(cut, `truncated phase labels at ${width}`).toEqual([]);
        }
        await expectAccessible(page, `${id} at ${width} (${theme})`);
        await screenshot(page, `look-${id}-${width}-${theme}`);
      }
    }
    // One width for all pages, in the same place.
    const distinct = new Set(Object.values(boxes).map((box) => `${box.left}/${box.width}`));
    expect(distinct, `content boxes at ${width}: ${JSON.stringify(boxes)}`).toHaveProperty('size', 1);
  }
  expect(problems).toEqual([]);
});

test('a selected History row keeps every outcome badge readable (axe), light and dark', async ({ page }) => {
  // Eight axe runs: on a busy machine they take longer than the default minute.
  test.setTimeout(180_000);
  // One run of each state, as `runs.list` answers; the rest is the real host.
  const base = runSnapshot();
  const ended = new Date(Date.parse(base.startedAt) + 3_600_000).toISOString();
  const runs = (['running', 'failed', 'succeeded', 'cancelled'] as const).map((state, i) => ({
    ...base,
    runId: `${base.runId}-${i}`,
    name: `run-${state}`,
    state,
    ...(state === 'running' ? {} : { endedAt: ended, exitCode: state === 'failed' ? 1 : 0 }),
  }));
  await page.routeWebSocket(/\/ipc/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { id: number; command: string };
      const answer =
        frame.command === 'runs.list' ? runs : frame.command === 'monitor.snapshot' ? monitorSnapshot() : undefined;
      if (answer === undefined) server.send(message);
      else ws.send(JSON.stringify({ type: 'result', id: frame.id, result: { ok: true, value: answer } }));
    });
    server.onMessage((message) => ws.send(message));
  });
  await openApp(page, host().url, 'Runs');
  const history = page.getByTestId('run-history');
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    for (const run of runs) {
      await history.getByRole('button', { name: run.name }).click();
      await expect(history.getByRole('button', { name: run.name })).toHaveAttribute('aria-current', 'true');
      await expectAccessible(page, `History with ${run.name} selected (${theme})`);
    }
    await history.scrollIntoViewIfNeeded();
    await history.screenshot({ path: `e2e/artifacts/look-history-selected-${theme}.png` });
  }
});
