// The printed table (ours, peer, ours/peer), the targets and the correctness verdict.
const MB = 1024 * 1024;
const f = (x, d = 0) => (x == null || Number.isNaN(x) ? '-' : x.toFixed(d));
const mb = (x) => f(x / MB, 1);
const ratio = (ours, peer) => (ours == null || !peer ? '-' : `${(ours / peer).toFixed(2)}x`);

/** The targets: printed PASS/MISS, never a reason to fail the run. */
export const TARGETS = { fps: 55, longTaskMs: 200, heapMb: 150 };

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function logRows(ours, peer) {
  const fps = (s) => `${f(s.fpsMedian)} / ${f(s.fpsAverage, 1)} / ${f(s.fpsP5)}`;
  return [
    ['log: frame rate median / average / p5 (fps)', fps(ours), fps(peer), ratio(ours.fpsMedian, peer.fpsMedian)],
    [
      'log: frame interval p50 / p95 / max (ms)',
      `${f(ours.intervalP50, 1)} / ${f(ours.intervalP95, 1)} / ${f(ours.intervalMax)}`,
      `${f(peer.intervalP50, 1)} / ${f(peer.intervalP95, 1)} / ${f(peer.intervalMax)}`,
      ratio(ours.intervalP95, peer.intervalP95),
    ],
    [
      'log: frames > 33 ms (vsyncs missed)',
      `${ours.slowFrames} (${ours.droppedFrames})`,
      `${peer.slowFrames} (${peer.droppedFrames})`,
      ratio(ours.droppedFrames, peer.droppedFrames),
    ],
    [
      'log: long tasks: count / total ms / max ms',
      `${ours.longTasks} / ${f(ours.longTaskMs)} / ${f(ours.longTaskMax)}`,
      `${peer.longTasks} / ${f(peer.longTaskMs)} / ${f(peer.longTaskMax)}`,
      ratio(ours.longTasks, peer.longTasks),
    ],
    [
      'log: long tasks > 200 ms',
      ours.longTasksOver200,
      peer.longTasksOver200,
      ratio(ours.longTasksOver200, peer.longTasksOver200),
    ],
    [
      'log: main thread busy: script / layout+style (s)',
      `${f(ours.cpu.script, 1)} / ${f(ours.cpu.layout + ours.cpu.style, 1)}`,
      `${f(peer.cpu.script, 1)} / ${f(peer.cpu.layout + peer.cpu.style, 1)}`,
      ratio(ours.cpu.task, peer.cpu.task),
    ],
    [
      'log: JS heap after GC, start -> end (MB)',
      `${mb(ours.heapStart)} -> ${mb(ours.heapEnd)}`,
      `${mb(peer.heapStart)} -> ${mb(peer.heapEnd)}`,
      ratio(ours.heapEnd, peer.heapEnd),
    ],
    ['log: JS heap highest sampled (MB)', mb(ours.heapPeak), mb(peer.heapPeak), ratio(ours.heapPeak, peer.heapPeak)],
    [
      'log: renderer RSS at end (MB)',
      mb(ours.rendererRss),
      mb(peer.rendererRss),
      ratio(ours.rendererRss, peer.rendererRss),
    ],
    ['log: DOM elements at end', ours.elements, peer.elements, ratio(ours.elements, peer.elements)],
    ['log: last line pushed visible', ours.lastVisible ? 'yes' : 'NO', peer.lastVisible ? 'yes' : 'NO', ''],
  ];
}

function chartRows({ served, raw, peer }) {
  const lt = (s) => `${s.longTasks} / ${f(s.longTaskMs)} / ${f(s.longTaskMax)}`;
  const a = served.append;
  const p = peer.append;
  return [
    [
      'charts: first render of 8, as served (500 pts)',
      `${f(served.firstRenderMs)} ms`,
      `${f(peer.firstRenderMs)} ms (raw)`,
      ratio(served.firstRenderMs, peer.firstRenderMs),
    ],
    [
      `charts: first render of 8, raw (${raw.pointsPerSeries} pts)`,
      `${f(raw.firstRenderMs)} ms`,
      `${f(peer.firstRenderMs)} ms`,
      ratio(raw.firstRenderMs, peer.firstRenderMs),
    ],
    [
      'charts: first render long tasks, served (count / total / max ms)',
      lt(served.render),
      lt(peer.render),
      ratio(served.render.longTasks, peer.render.longTasks),
    ],
    [
      'charts: first render long tasks, raw (count / total / max ms)',
      lt(raw.render),
      lt(peer.render),
      ratio(raw.render.longTasks, peer.render.longTasks),
    ],
    [
      'charts: JS heap after first render, served / raw (MB)',
      `${mb(served.heapAfterRender)} / ${mb(raw.heapAfterRender)}`,
      mb(peer.heapAfterRender),
      ratio(raw.heapAfterRender, peer.heapAfterRender),
    ],
    [
      `charts: appending (${a.deltas} deltas): fps median / average / p5`,
      `${f(a.fpsMedian)} / ${f(a.fpsAverage, 1)} / ${f(a.fpsP5)}`,
      `${f(p.fpsMedian)} / ${f(p.fpsAverage, 1)} / ${f(p.fpsP5)}`,
      ratio(a.fpsMedian, p.fpsMedian),
    ],
    [
      'charts: appending: frame interval p50 / p95 (ms), frames > 33 ms',
      `${f(a.intervalP50, 1)} / ${f(a.intervalP95, 1)}, ${a.slowFrames}`,
      `${f(p.intervalP50, 1)} / ${f(p.intervalP95, 1)}, ${p.slowFrames}`,
      ratio(a.slowFrames, p.slowFrames),
    ],
    ['charts: appending: long tasks (count / total / max ms)', lt(a), lt(p), ratio(a.longTasks, p.longTasks)],
    [
      'charts: appending: JS heap peak / after GC (MB)',
      `${mb(a.heapPeak)} / ${mb(a.heapEnd)}`,
      `${mb(p.heapPeak)} / ${mb(p.heapEnd)}`,
      ratio(a.heapEnd, p.heapEnd),
    ],
    [
      'charts: renderer RSS at end (MB)',
      mb(served.rendererRss),
      mb(peer.rendererRss),
      ratio(served.rendererRss, peer.rendererRss),
    ],
  ];
}

export function formatTable(results) {
  return table(
    ['measure', 'ours', 'peer (naive)', 'ours/peer'],
    [...logRows(results.log.ours, results.log.peer), ...chartRows(results.charts)],
  );
}

/** Each target judged on our figures only. */
export function targets({ log, charts }) {
  const a = charts.served.append;
  const judge = (name, ok, detail) => ({ name, status: ok ? 'PASS' : 'MISS', detail });
  const over = [charts.served.render, a].reduce((n, s) => n + s.longTasksOver200, 0);
  return [
    judge(
      `log stream: median frame rate >= ${TARGETS.fps} fps`,
      log.ours.fpsMedian >= TARGETS.fps,
      `${f(log.ours.fpsMedian)} fps`,
    ),
    judge(
      `log stream: no long task > ${TARGETS.longTaskMs} ms`,
      log.ours.longTasksOver200 === 0,
      `${log.ours.longTasksOver200} (longest ${f(log.ours.longTaskMax)} ms)`,
    ),
    judge(
      `log stream: JS heap < ${TARGETS.heapMb} MB (highest sampled)`,
      log.ours.heapPeak < TARGETS.heapMb * MB,
      `${mb(log.ours.heapPeak)} MB`,
    ),
    judge(
      `charts appending: median frame rate >= ${TARGETS.fps} fps`,
      a.fpsMedian >= TARGETS.fps,
      `${f(a.fpsMedian)} fps`,
    ),
    judge(
      `charts as served (first render + appending): no long task > ${TARGETS.longTaskMs} ms`,
      over === 0,
      `${over} (longest ${f(Math.max(charts.served.render.longTaskMax, a.longTaskMax))} ms)`,
    ),
    judge(
      `charts: JS heap < ${TARGETS.heapMb} MB (highest sampled)`,
      a.heapPeak < TARGETS.heapMb * MB,
      `${mb(a.heapPeak)} MB`,
    ),
  ];
}

/** Correctness: what makes the bench exit 1 (our page only; a peer's failure is just reported). */
export function failures({ log, charts }) {
  const out = [];
  if (!log.ours.lastVisible) {
    out.push(`log stream: line ${log.ours.lines} (the last pushed) is not visible in the log tail`);
  }
  for (const [name, r] of [
    ['as served', charts.served],
    ['raw', charts.raw],
  ]) {
    if (r.drawn < 8) out.push(`charts ${name}: ${r.drawn} of 8 charts drawn`);
  }
  if (charts.served.redrawn < 8) {
    out.push(`charts as served: ${8 - charts.served.redrawn} of 8 plots did not follow the appended points`);
  }
  for (const [name, r] of [
    ['log stream', log.ours],
    ['charts as served', charts.served],
    ['charts raw', charts.raw],
  ]) {
    for (const e of r.errors.filter((x) => x.startsWith('pageerror'))) out.push(`${name}: ${e}`);
  }
  return out;
}
