// Medians, ratios, the targets and the printed table.
const MiB = 1024 * 1024;
export const RSS_LIMIT_MIB = 300;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One row per dataset x direction x tool, from the raw runs. */
export function summarize(rows, datasets) {
  return rows.map((row) => {
    const ds = datasets.find((d) => d.id === row.dataset);
    const ok = row.runs.filter((r) => r.ok);
    const med = median(ok.map((r) => r.seconds));
    const rss = ok.map((r) => r.rssKiB).filter((x) => x != null);
    return {
      ...row,
      okRuns: ok.length,
      medianSeconds: med,
      minSeconds: ok.length ? Math.min(...ok.map((r) => r.seconds)) : null,
      maxSeconds: ok.length ? Math.max(...ok.map((r) => r.seconds)) : null,
      mibPerSecond: med ? ds.bytes / MiB / med : null,
      filesPerSecond: med ? ds.files.length / med : null,
      peakRssMiB: rss.length ? Math.max(...rss) / 1024 : null,
    };
  });
}

function find(summary, dataset, direction, tool) {
  return summary.find(
    (s) => s.dataset === dataset && s.direction === direction && s.tool === tool && s.medianSeconds != null,
  );
}

/** peer seconds / our seconds (> 1: we are faster), per dataset x direction x peer. */
export function ratios(summary) {
  const out = [];
  for (const o of summary.filter((s) => s.tool === 'ours' && s.medianSeconds != null)) {
    for (const p of summary.filter(
      (s) => s.tool !== 'ours' && s.dataset === o.dataset && s.direction === o.direction && s.medianSeconds != null,
    )) {
      out.push({ dataset: o.dataset, direction: o.direction, peer: p.tool, ratio: p.medianSeconds / o.medianSeconds });
    }
  }
  return out;
}

/** The targets; `na` explains why one could not be judged. */
export function targets(summary, tools) {
  const list = [];
  const note = (peer) => (tools[peer]?.sseC === false ? ` (${peer} ran without SSE-C)` : '');
  const oursRan = summary.some((s) => s.tool === 'ours' && s.medianSeconds != null);
  const judge = (name, dataset, direction, peers, min) => {
    const o = find(summary, dataset, direction, 'ours');
    const ps = peers.map((p) => find(summary, dataset, direction, p)).filter(Boolean);
    if (!summary.some((s) => s.dataset === dataset)) {
      return list.push({ name, status: 'n/a', detail: 'dataset not run' });
    }
    if (!o) {
      return list.push({ name, status: 'n/a', detail: oursRan ? 'our engine failed here' : 'our engine not run' });
    }
    if (ps.length === 0) return list.push({ name, status: 'n/a', detail: `${peers.join('/')} not run` });
    const best = ps.reduce((a, b) => (a.medianSeconds <= b.medianSeconds ? a : b));
    const ratio = best.medianSeconds / o.medianSeconds;
    list.push({
      name,
      status: ratio >= min ? 'PASS' : 'MISS',
      ratio,
      min,
      vs: best.tool,
      detail: `${ratio.toFixed(2)}x vs ${best.tool}, need >= ${min.toFixed(2)}${note(best.tool)}`,
    });
  };
  for (const ds of ['small', 'medium', 'large', 'seed']) {
    if (!summary.some((s) => s.dataset === ds)) continue;
    for (const dir of ['up', 'down']) {
      judge(`${ds} ${dir}: >= 1.0x best peer (aws, rclone)`, ds, dir, ['aws', 'rclone'], 1.0);
      if (ds === 'small') judge(`small ${dir}: >= 1.5x aws s3 sync`, 'small', dir, ['aws'], 1.5);
      // curl s / our s >= 1/1.5: our time at most 1.5 x one curl stream's.
      if (ds === 'large') judge(`large ${dir}: within 1.5x of one curl stream`, 'large', dir, ['curl'], 1 / 1.5);
    }
  }
  const rss = summary.filter((s) => s.tool === 'ours' && s.peakRssMiB != null).map((s) => s.peakRssMiB);
  if (rss.length === 0) {
    list.push({
      name: `our peak RSS < ${RSS_LIMIT_MIB} MiB`,
      status: 'n/a',
      detail: oursRan ? 'no RSS measured' : 'our engine not run',
    });
  } else {
    const peak = Math.max(...rss);
    list.push({
      name: `our peak RSS < ${RSS_LIMIT_MIB} MiB`,
      status: peak < RSS_LIMIT_MIB ? 'PASS' : 'MISS',
      peakMiB: peak,
      detail: `${peak.toFixed(0)} MiB`,
    });
  }
  return list;
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i < 3 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const f = (x, d = 2) => (x == null ? '-' : x.toFixed(d));

export function formatTable(summary, ratioList, tools, datasets) {
  const rows = summary.map((s) => {
    const ds = datasets.find((d) => d.id === s.dataset);
    const r = ratioList.find((x) => x.dataset === s.dataset && x.direction === s.direction && x.peer === s.tool);
    const ratio = s.tool === 'ours' ? '(ours)' : r ? `${r.ratio.toFixed(2)}x` : '-';
    const info = tools[s.tool] ?? {};
    const sse = info.sseC ? 'yes' : info.sseWanted ? 'NO*' : 'off';
    const spread = s.okRuns > 1 ? `${f(s.minSeconds)}-${f(s.maxSeconds)}` : '';
    const runs = `${s.okRuns}/${s.runs.length}`;
    return [
      ds.label,
      s.direction,
      s.tool,
      sse,
      s.medianSeconds == null ? 'FAIL' : f(s.medianSeconds),
      spread,
      f(s.mibPerSecond, 1),
      f(s.filesPerSecond, 1),
      ratio,
      f(s.peakRssMiB, 0),
      runs,
    ];
  });
  return table(
    [
      'dataset',
      'dir',
      'tool',
      'SSE-C',
      'median s',
      'min-max s',
      'MiB/s',
      'files/s',
      'peer s/our s',
      'peak RSS MiB',
      'runs ok',
    ],
    rows,
  );
}

export function formatTargets(list) {
  return list.map((t) => `  ${t.status.padEnd(4)}  ${t.name}: ${t.detail}`).join('\n');
}
