import { expect, type Page, test, type WebSocketRoute } from '@playwright/test';

import { RUN_PHASES } from '../../shared/domain/run';
import { expectAccessible } from './axe';
import { monitorSnapshot, runSnapshot } from './monitor-fixture';
import { useFinishedRunOnDisk } from './report-fixture';
import { collectProblems, nav, openApp, shotAtWidths, useWebHost } from './support';

/**
 * The live run stays in view (#15 points 4 and 5) through the real browser host, with `runs.list`
 * and `monitor.snapshot` answered by a route: a run training now (bert-ft) and an older one that
 * ended (resnet50-baseline, whose files are in the host's data folder, so its report is main's).
 */
const finished = useFinishedRunOnDisk(Date.now() - 86_400_000);
const host = useWebHost(finished.env);

const LIVE_ID = 'bert-ft-20261205-150000-9f3c';
// Two hours of samples: the range picker has something to cut.
const SAMPLES = 1440;

function runs() {
  const live = { ...runSnapshot(), runId: LIVE_ID, name: 'bert-ft' };
  const base = runSnapshot();
  const startedAt = new Date(Date.parse(base.startedAt) - 86_400_000).toISOString();
  const endedAt = new Date(Date.parse(startedAt) + 3_600_000).toISOString();
  const phases = Object.fromEntries(
    RUN_PHASES.map((phase) => [phase, { status: 'succeeded', startedAt, endedAt }]),
  ) as typeof base.phases;
  const older = { ...base, state: 'cancelled' as const, startedAt, endedAt, phases, exitCode: 143 };
  return [live, older];
}

/** The page against the route: answers `runs.list` and the live run's monitor; `push` sends events as main does. */
async function open(page: Page) {
  let client: WebSocketRoute | undefined;
  await page.routeWebSocket(/\/ipc/, (ws) => {
    client = ws;
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { id: number; command: string; payload: { runId?: string } };
      const answer =
        frame.command === 'runs.list'
          ? runs()
          : frame.command === 'monitor.snapshot' && frame.payload.runId === LIVE_ID
            ? { ...monitorSnapshot(SAMPLES), runId: LIVE_ID }
            : undefined;
      if (answer === undefined) server.send(message);
      else ws.send(JSON.stringify({ type: 'result', id: frame.id, result: { ok: true, value: answer } }));
    });
    server.onMessage((message) => ws.send(message));
  });
  await openApp(page, host().url);
  return (event: string, payload: unknown) => client?.send(JSON.stringify({ type: 'event', event, payload }));
}

const scrollTop = (page: Page) => page.getByTestId('page-body').evaluate((body) => body.scrollTop);

test('point 4: a badge on every page says what runs and burns; History never hides the live run; pages open at their top', async ({
  page,
}) => {
  test.slow();
  const problems = await collectProblems(page);
  const push = await open(page);
  // Main prices every watched run in its monitor deltas (every 5 s), whichever run the page shows.
  const badge = page.getByTestId('sidebar-live');
  await expect(badge).toHaveText('1 running');
  push('monitor.delta', { runId: LIVE_ID, seq: 99, at: Date.now(), cost: monitorSnapshot().cost });
  for (const title of ['Launch', 'Costs', 'Settings']) {
    await nav(page, title).click();
    await expect(badge).toHaveText('1 running · $1.03/h');
  }
  await expectAccessible(page, 'Settings with the running badge');
  await shotAtWidths(page, 'live-badge-settings');

  // The badge opens the live run, at the top of the page.
  await badge.click();
  await expect(page.getByTestId('run-title')).toHaveText('bert-ft');
  await expect(page.getByTestId('run-monitor')).toHaveAttribute('data-state', 'running');
  expect(await scrollTop(page)).toBe(0);

  // An older run picked in History opens in its own card; the live monitor stays where it was.
  const history = page.getByTestId('run-history');
  await history.getByRole('button', { name: 'resnet50-baseline' }).click();
  const picked = page.getByTestId('history-run-report');
  await expect(picked).toContainText('Run report · resnet50-baseline');
  await expect(picked.getByTestId('report-summary')).toContainText('Cancelled');
  await expect(picked).toBeInViewport();
  await expect(page.getByTestId('run-title')).toHaveText('bert-ft');
  await expect(page.getByTestId('run-monitor')).toHaveAttribute('data-state', 'running');
  await expect(history.getByRole('button', { name: 'resnet50-baseline' })).toHaveAttribute('aria-current', 'true');
  await expectAccessible(page, 'live run with a run picked in History');
  await shotAtWidths(page, 'runs-live-and-history');
  await picked.getByTestId('close-history-report').click();
  await expect(picked).toHaveCount(0);
  await expect(page.getByTestId('run-title')).toHaveText('bert-ft');

  // Scrolled down on one page, the next opens at its top (after Launch, Runs opened mid-page).
  await page.getByTestId('page-body').evaluate((body) => body.scrollTo(0, body.scrollHeight));
  expect(await scrollTop(page)).toBeGreaterThan(0);
  await nav(page, 'Costs').click();
  await nav(page, 'Runs').click();
  expect(await scrollTop(page)).toBe(0);

  // The run ends: the badge goes.
  push('runs.event', {
    runId: LIVE_ID,
    seq: 41,
    at: new Date().toISOString(),
    type: 'finished',
    outcome: 'succeeded',
    reason: 'Training finished.',
    exitCode: 0,
  });
  await expect(badge).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('point 5: metrics first (loss leads), sync folded once pulled, charts beside the log from 1440 px, round ticks, a range', async ({
  page,
}) => {
  test.slow();
  const problems = await collectProblems(page);
  await open(page);
  await nav(page, 'Runs').click();
  await expect(page.getByTestId('run-monitor')).toHaveAttribute('data-state', 'running');

  // The loss leads the figures and the charts.
  await expect(page.getByTestId('lead-metric')).toContainText('loss');
  await expect(page.getByTestId('lead-metric')).toContainText('0.4123');
  const firstStat = page.getByTestId('run-stats').locator('dt').first();
  await expect(firstStat).toHaveText('loss');
  const firstChart = page.locator('.health-grid > figure').first();
  await expect(firstChart).toHaveAttribute('data-testid', 'chart-metric.loss');

  // The pull is done: one line, the table folded and there on demand.
  await expect(page.getByTestId('sync-summary')).toContainText('Pull done · 130 files');
  await expect(page.getByTestId('sync-status')).toBeHidden();
  await page.getByTestId('sync-toggle').click();
  await expect(page.getByTestId('sync-status')).toBeVisible();
  await expect(page.getByTestId('sync-toggle')).toHaveAttribute('aria-expanded', 'true');
  await page.getByTestId('sync-toggle').click();

  // Round ticks: GPU memory in whole GiB steps, CPU in quarters, the loss in whole numbers. (Recharts 3 draws
  // ticks in a layer of their own, outside the axis' group: the y axis' are the right-aligned ones.)
  const ticks = (chart: string) =>
    page
      .getByTestId(`chart-${chart}`)
      .locator('text.recharts-cartesian-axis-tick-value[text-anchor="end"]')
      .allTextContents();
  await expect.poll(() => ticks('gpu.mem')).toEqual(['0 B', '5 GiB', '10 GiB', '15 GiB', '20 GiB']);
  await expect.poll(() => ticks('cpu')).toEqual(['0 %', '25 %', '50 %', '75 %', '100 %']);
  await expect.poll(() => ticks('metric.loss')).toEqual(['0', '1', '2', '3']);

  // The range: the last 15 minutes of the two hours the monitor has (ticks every 5 min instead of every 30).
  const times = () =>
    page
      .getByTestId('chart-cpu')
      .locator('text.recharts-cartesian-axis-tick-value[text-anchor="middle"]')
      .allTextContents();
  const all = await times();
  await page.getByTestId('chart-range').getByRole('button', { name: '15 min' }).click();
  await expect(page.getByTestId('chart-range').getByRole('button', { name: '15 min' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect.poll(async () => (await times()).filter((t) => all.includes(t)).length).toBeLessThanOrEqual(1);
  await expectAccessible(page, 'monitor with the 15-min range');
  await shotAtWidths(page, 'runs-monitor-range-15min');

  // Side by side from 1440 px, one under the other below.
  const boxes = async () => ({
    charts: (await page.locator('.run-monitor__charts').boundingBox())!,
    log: (await page.locator('.run-monitor__log').boundingBox())!,
  });
  await page.setViewportSize({ width: 1920, height: 1000 });
  let b = await boxes();
  expect(b.log.x).toBeGreaterThan(b.charts.x + b.charts.width - 1);
  expect(Math.abs(b.log.y - b.charts.y)).toBeLessThan(4);
  await page.setViewportSize({ width: 1280, height: 1000 });
  b = await boxes();
  expect(b.log.y).toBeGreaterThan(b.charts.y + b.charts.height - 1);
  await page.getByTestId('chart-range').getByRole('button', { name: 'All' }).click();
  await expectAccessible(page, 'monitor layout');
  await shotAtWidths(page, 'runs-monitor-layout');
  expect(problems).toEqual([]);
});

test('the run header stacks cleanly at 960 px and keeps one line from 1280 px', async ({ page }) => {
  test.slow();
  const problems = await collectProblems(page);
  await open(page);
  await nav(page, 'Runs').click();
  await expect(page.getByTestId('run-monitor')).toHaveAttribute('data-state', 'running');
  const head = page.locator('.run-monitor__head');
  const box = async (selector: string) => (await head.locator(selector).first().boundingBox())!;
  const layout = async () => ({
    head: (await head.boundingBox())!,
    name: await box('h2'),
    badge: await box('.badge'),
    meta: await box('.run-monitor__meta'),
    actions: await box('.run-actions'),
    lineHeight: await head.locator('h2').evaluate((h2) => parseFloat(getComputedStyle(h2).lineHeight)),
  });
  const middle = (b: { y: number; height: number }) => b.y + b.height / 2;
  const inside = (inner: { x: number; width: number }, outer: { x: number; width: number }) =>
    inner.x >= outer.x - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5;

  // 960 px (Electron's smallest window): the name whole on one line beside its state, the actions on a row of their own.
  await page.setViewportSize({ width: 960, height: 700 });
  let b = await layout();
  expect(b.name.height).toBeLessThan(b.lineHeight * 1.5);
  expect(Math.abs(middle(b.badge) - middle(b.name))).toBeLessThan(4);
  for (const part of [b.name, b.badge, b.meta, b.actions]) expect(inside(part, b.head)).toBe(true);
  expect(b.actions.y).toBeGreaterThanOrEqual(b.name.y + b.name.height - 1);
  expect(await head.locator('.run-monitor__meta').evaluate((meta) => meta.scrollWidth <= meta.clientWidth)).toBe(true);
  await expectAccessible(page, 'run header at 960 px');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await head.screenshot({ path: `e2e/artifacts/run-head-960${scheme === 'dark' ? '-dark' : ''}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // From 1280 px: name, state, meta and actions on one line.
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    b = await layout();
    for (const part of [b.badge, b.meta, b.actions]) expect(Math.abs(middle(part) - middle(b.name))).toBeLessThan(4);
    expect(b.name.height).toBeLessThan(b.lineHeight * 1.5);
    expect(b.head.height).toBeLessThan(b.lineHeight * 2);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await head.screenshot({ path: `e2e/artifacts/run-head-${width}${scheme === 'dark' ? '-dark' : ''}.png` });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }
  await expectAccessible(page, 'run header at 1920 px');
  await shotAtWidths(page, 'runs-live-header');
  expect(problems).toEqual([]);
});
