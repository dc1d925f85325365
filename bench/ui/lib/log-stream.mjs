// Scenario 1: the monitor open and following while 1,000 lines/s arrive, batched by main's RunMonitor.
import { setTimeout as sleep } from 'node:timers/promises';

import { openApp, openPeer, openRuns } from './pages.mjs';
import { LOG_PEER } from './peer-pages.mjs';
import { frameStats, heapAfterGc, heapSampler, metrics, rendererRssBytes } from './probe.mjs';

/* global window, document */
/** In the page: the row numbered `n` shows `text` and lies inside both the log box and the viewport. */
function lineVisible({ n, text, peer }) {
  const box = document.querySelector('[data-testid="log-tail"]');
  const row = !box
    ? null
    : peer
      ? box.lastElementChild
      : [...box.querySelectorAll('.log-tail__row')].find(
          (r) => r.querySelector('.log-tail__number')?.textContent === String(n),
        );
  if (!row || (peer && row.dataset.n !== String(n))) return false;
  const shown = peer ? row.textContent : row.querySelector('.log-tail__line')?.textContent;
  const b = box.getBoundingClientRect();
  const r = row.getBoundingClientRect();
  return (
    shown === text && r.top >= b.top - 1 && r.bottom <= b.bottom + 1 && r.top >= 0 && r.bottom <= window.innerHeight
  );
}

const lastRowText = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="log-tail"] > * > *, [data-testid="log-tail"] > *')]
      .slice(-2)
      .map((r) => r.textContent)
      .join(' | '),
  );

const waitForLine = (page, last, peer, timeout) =>
  page.waitForFunction(lineVisible, { n: last.number, text: last.text, peer }, { timeout }).then(
    () => true,
    () => false,
  );

/** Runs the stream against our monitor or the naive peer; returns what was measured. */
export async function logStream({ browser, browserPid, hostUrl, build, seconds, rate, peer }) {
  const feed = new build.LogFeed(rate);
  const opened = peer
    ? await openPeer(browser, LOG_PEER)
    : await openApp(browser, hostUrl, (command, payload) =>
        command === 'runs.list'
          ? [build.runSnapshot()]
          : command === 'monitor.snapshot'
            ? feed.snapshot(payload?.points ?? 500)
            : undefined,
      );
  const { page, cdp } = opened;
  try {
    if (peer) opened.push('monitor.snapshot', feed.snapshot(500));
    else await openRuns(page);
    await page.getByTestId('log-tail').scrollIntoViewIfNeeded();
    if (!(await waitForLine(page, feed.last, peer, 15_000))) {
      throw new Error(
        `the log tail never showed the snapshot's last line ${JSON.stringify(feed.last)}; it shows: ${await lastRowText(page)}`,
      );
    }
    await sleep(1_000);
    const heapStart = await heapAfterGc(cdp);
    const before = await metrics(cdp);
    const heap = heapSampler(cdp);
    await page.evaluate(() => window.__benchProbe.start());
    feed.start((delta) => opened.push('monitor.delta', delta));
    await sleep(seconds * 1_000);
    feed.stop();
    const probe = await page.evaluate(() => window.__benchProbe.stop());
    const heapPeak = heap.stop();
    // The coalescer's last delta leaves within 100 ms; then the last line must be on screen.
    const lastVisible = await waitForLine(page, feed.last, peer, 5_000);
    const after = await metrics(cdp);
    return {
      ...frameStats(probe),
      lines: feed.last.number,
      deltas: feed.deltas,
      lastVisible,
      heapStart,
      heapPeak: Math.max(heapPeak, after.JSHeapUsedSize),
      heapEnd: await heapAfterGc(cdp),
      rendererRss: rendererRssBytes(browserPid),
      elements: await page.evaluate(() => document.getElementsByTagName('*').length),
      cpu: {
        script: after.ScriptDuration - before.ScriptDuration,
        layout: after.LayoutDuration - before.LayoutDuration,
        style: after.RecalcStyleDuration - before.RecalcStyleDuration,
        task: after.TaskDuration - before.TaskDuration,
      },
      errors: opened.errors,
    };
  } finally {
    feed.close();
    await opened.close();
  }
}
