// Scenario 2: 8 charts of 17,280 points (24 h at 5 s): time to first render, then points
// appended at 10 deltas/s. Ours "served" is what main answers (LTTB to the 500 points the store
// asks for); ours "raw" answers every point, the case the issue names; the peer draws raw.
import { setTimeout as sleep } from 'node:timers/promises';

import { openApp, openPeer, openRuns } from './pages.mjs';
import { CHART_PEER } from './peer-pages.mjs';
import { frameStats, heapAfterGc, heapSampler, metrics, rendererRssBytes } from './probe.mjs';

/* global window, document */
const CHARTS = 8;
const DELTA_MS = 100;
const DRAW_TIMEOUT_MS = 180_000;

/** The `d` of every drawn line, to tell whether the plots followed the appended points. */
const paths = (page, selector) =>
  page.evaluate(
    (s) => [...document.querySelectorAll(s)].map((p) => p.getAttribute('d') ?? p.getAttribute('points')),
    selector,
  );

function withTimeout(promise, ms, what) {
  let timer;
  const limit = new Promise(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} not within ${ms / 1000} s`)), ms)),
  );
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * variant: 'served' | 'raw' (ours) or 'peer'. `seconds` of appending after the first render
 * (0 skips it: in ours the first delta folds a raw series back to 500 points, so appending to
 * "raw" would measure "served" again).
 */
export async function charts({ browser, browserPid, hostUrl, build, seconds, variant }) {
  const feed = new build.ChartFeed();
  const peer = variant === 'peer';
  const drawnSelector = peer ? 'svg polyline[points]' : '.recharts-line-curve';
  const opened = peer
    ? await openPeer(browser, CHART_PEER)
    : await openApp(browser, hostUrl, (command, payload) =>
        command === 'runs.list'
          ? [build.runSnapshot()]
          : command === 'monitor.snapshot'
            ? feed.snapshot(variant === 'raw' ? undefined : (payload?.points ?? 500))
            : undefined,
      );
  const { page, cdp } = opened;
  const drawnCount = () => page.evaluate((selector) => document.querySelectorAll(selector).length, drawnSelector);
  try {
    await page.evaluate(() => window.__benchProbe.start());
    const drawn = page.evaluate(
      ([selector, count]) => window.__benchProbe.waitFor(selector, count),
      [drawnSelector, CHARTS],
    );
    if (peer) opened.push('monitor.snapshot', feed.snapshot(undefined));
    else await openRuns(page);
    const drawnAt = await withTimeout(drawn, DRAW_TIMEOUT_MS, `${variant}: ${CHARTS} charts drawn`);
    const firstRenderMs = drawnAt - (opened.sentAt['monitor.snapshot'] ?? NaN);
    await sleep(1_000);
    const render = frameStats(await page.evaluate(() => window.__benchProbe.stop()));
    const result = {
      firstRenderMs,
      pointsPerSeries: feed.pointsPerSeries,
      render,
      heapAfterRender: await heapAfterGc(cdp),
      errors: opened.errors,
    };
    if (!seconds) return { ...result, drawn: await drawnCount(), rendererRss: rendererRssBytes(browserPid) };

    const before = await paths(page, drawnSelector);
    const heap = heapSampler(cdp);
    await page.evaluate(() => window.__benchProbe.start());
    let deltas = 0;
    const timer = setInterval(() => (opened.push('monitor.delta', feed.delta()), deltas++), DELTA_MS);
    await sleep(seconds * 1_000);
    clearInterval(timer);
    const append = frameStats(await page.evaluate(() => window.__benchProbe.stop()));
    const after = await metrics(cdp);
    // Plots may redraw up to a second late (health-chart.tsx): then every one must have moved.
    await sleep(1_500);
    const moved = (await paths(page, drawnSelector)).filter((d, i) => d !== before[i]).length;
    return {
      ...result,
      append: {
        ...append,
        deltas,
        heapPeak: Math.max(heap.stop(), after.JSHeapUsedSize),
        heapEnd: await heapAfterGc(cdp),
      },
      drawn: await drawnCount(),
      redrawn: moved,
      rendererRss: rendererRssBytes(browserPid),
      elements: await page.evaluate(() => document.getElementsByTagName('*').length),
    };
  } finally {
    await opened.close();
  }
}
