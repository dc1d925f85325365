// The naive peers bench:ui compares against: what a log view and a chart look like when written
// the obvious way. They read the very frames our page gets, over the same routed WebSocket.

const HEAD = `<!doctype html><meta charset="utf-8"><title>peer</title>
<style>body{margin:16px;font:13px system-ui,sans-serif}#log{height:320px;overflow:auto;border:1px solid #ccc;font:12px ui-monospace,monospace;white-space:pre}
#log div{height:20px;line-height:20px}svg{display:block;width:560px;height:140px;margin:8px 0;border:1px solid #eee}polyline{fill:none;stroke:#2563eb;stroke-width:1.6}</style>`;

const SOCKET = `const ws = new WebSocket('ws://' + location.host + '/ipc');
ws.onmessage = (e) => { const f = JSON.parse(e.data); if (f.type === 'event') onFrame(f.payload); };
ws.onopen = () => (window.__peerReady = true);`;

/**
 * Every line becomes a DOM row, none is ever removed (no virtualization, no cap), and the box
 * scrolls to the bottom after each batch. Rows carry their line number for the visibility check.
 */
export const LOG_PEER = `${HEAD}<div id="log" data-testid="log-tail"></div><script>
const box = document.getElementById('log');
function onFrame(p) {
  if (!p.log) return;
  p.log.lines.forEach((line, i) => {
    const row = document.createElement('div');
    row.dataset.n = String(p.log.first + i + 1);
    row.textContent = line;
    box.appendChild(row);
  });
  box.scrollTop = box.scrollHeight;
}
${SOCKET}</script>`;

/**
 * One SVG polyline per series with every point (no downsampling), rebuilt from scratch on each
 * new point: the straightforward chart, without axes, tooltips or layout work.
 */
export const CHART_PEER = `${HEAD}<div id="charts"></div><script>
const W = 560, H = 140, series = new Map();
function draw(s) {
  const t0 = s.t[0], span = s.t[s.t.length - 1] - t0 || 1;
  let max = 0;
  for (const v of s.v) if (v > max) max = v;
  let pts = '';
  for (let i = 0; i < s.t.length; i++) pts += ((s.t[i] - t0) / span * W).toFixed(1) + ',' + (H - s.v[i] / (max || 1) * H).toFixed(1) + ' ';
  s.line.setAttribute('points', pts);
}
function onFrame(p) {
  for (const s of p.series ?? []) {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    svg.appendChild(line);
    document.getElementById('charts').appendChild(svg);
    series.set(s.name, { t: s.t, v: s.v, line });
    draw(series.get(s.name));
  }
  for (const [name, fresh] of Object.entries(p.points ?? {})) {
    const s = series.get(name);
    if (!s) continue;
    s.t.push(...fresh.t);
    s.v.push(...fresh.v);
    draw(s);
  }
}
${SOCKET}</script>`;
