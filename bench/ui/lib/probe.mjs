// What bench:ui measures and how: frame times and long tasks in the page, JS heap and DOM
// counters over CDP, renderer RSS from /proc. The same probe is installed in our page and the peers'.
import { readdirSync, readFileSync } from 'node:fs';

/* global window, document, requestAnimationFrame */
/**
 * Installed (addInitScript) before any page script. A requestAnimationFrame loop records frame
 * start times and a PerformanceObserver the long tasks (> 50 ms on the main thread), both only
 * between start() and stop(), so page load does not count.
 */
export function installProbe() {
  const state = { recording: false, t0: 0, frames: [], longtasks: [] };
  const keep = (entries) => {
    for (const e of entries) {
      if (state.recording && e.startTime >= state.t0) state.longtasks.push([e.startTime, e.duration]);
    }
  };
  const observer = new PerformanceObserver((list) => keep(list.getEntries()));
  observer.observe({ type: 'longtask' });
  const loop = (t) => {
    if (state.recording) state.frames.push(t);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  window.__benchProbe = {
    start() {
      Object.assign(state, { recording: true, t0: performance.now(), frames: [], longtasks: [] });
    },
    stop() {
      // Entries of the last tasks may still be queued for the observer: take them now.
      keep(observer.takeRecords());
      state.recording = false;
      return { ms: performance.now() - state.t0, frames: state.frames, longtasks: state.longtasks };
    },
    /** Epoch ms of the first frame in which `selector` matches at least `count` elements. */
    waitFor(selector, count) {
      return new Promise((resolve) => {
        const tick = () =>
          document.querySelectorAll(selector).length >= count
            ? resolve(performance.timeOrigin + performance.now())
            : requestAnimationFrame(tick);
        tick();
      });
    },
  };
}

/** Epoch ms with sub-ms precision, comparable with the page's timeOrigin + now(). */
export const epochNow = () => performance.timeOrigin + performance.now();

const FRAME_MS = 1000 / 60;

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null;
}

/**
 * Frame rate (median of whole seconds, and average), frame interval p50/p95/max, frames slower
 * than two vsyncs and the vsyncs they missed, long tasks (count, total, max, > 200 ms).
 */
export function frameStats({ ms, frames, longtasks }) {
  const intervals = frames.slice(1).map((t, i) => t - frames[i]);
  const sorted = [...intervals].sort((a, b) => a - b);
  const perSecond = new Map();
  for (const t of frames) {
    perSecond.set(Math.floor((t - frames[0]) / 1000), (perSecond.get(Math.floor((t - frames[0]) / 1000)) ?? 0) + 1);
  }
  const whole = [...perSecond.entries()]
    .filter(([s]) => s < Math.floor((frames.at(-1) - frames[0]) / 1000))
    .map(([, n]) => n)
    .sort((a, b) => a - b);
  const durations = longtasks.map(([, d]) => d);
  return {
    seconds: ms / 1000,
    frames: frames.length,
    fpsMedian: whole.length ? percentile(whole, 50) : null,
    fpsAverage: frames.length > 1 ? ((frames.length - 1) * 1000) / (frames.at(-1) - frames[0]) : null,
    fpsP5: whole.length ? percentile(whole, 5) : null,
    intervalP50: percentile(sorted, 50),
    intervalP95: percentile(sorted, 95),
    intervalMax: sorted.at(-1) ?? null,
    slowFrames: intervals.filter((d) => d > 2 * FRAME_MS).length,
    droppedFrames: intervals.reduce((n, d) => n + Math.max(0, Math.round(d / FRAME_MS) - 1), 0),
    longTasks: durations.length,
    longTaskMs: durations.reduce((a, b) => a + b, 0),
    longTaskMax: durations.length ? Math.max(...durations) : 0,
    longTasksOver200: durations.filter((d) => d > 200).length,
  };
}

/** CDP Performance metrics by name (JSHeapUsedSize, Nodes, ScriptDuration…); call enable first. */
export async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** JS heap used after a full GC: what the page really holds, not garbage not yet collected. */
export async function heapAfterGc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await metrics(cdp)).JSHeapUsedSize;
}

/** Samples the (uncollected) JS heap every `everyMs` until stopped; returns the peak. */
export function heapSampler(cdp, everyMs = 2_000) {
  let peak = 0;
  const timer = setInterval(
    () =>
      void metrics(cdp).then(
        (m) => (peak = Math.max(peak, m.JSHeapUsedSize)),
        () => {},
      ),
    everyMs,
  );
  return { stop: () => (clearInterval(timer), peak) };
}

/**
 * RSS of the Chromium renderer processes under `browserPid` (one page is open at a time, so
 * this is that page's renderer plus any spare one Chromium keeps warm), from /proc.
 */
export function rendererRssBytes(browserPid) {
  const children = new Map();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // The process exited while we looked.
    }
  }
  let total = 0;
  const walk = (pid) => {
    for (const child of children.get(pid) ?? []) {
      try {
        if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('--type=renderer')) {
          total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child}/status`, 'utf8'))?.[1] ?? 0) * 1024;
        }
      } catch {
        // Gone.
      }
      walk(child);
    }
  };
  walk(browserPid);
  return total;
}
