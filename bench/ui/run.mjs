#!/usr/bin/env node
// `npm run bench:ui`: the run monitor in Chromium under a 1,000 lines/s log stream and with 8
// charts of 17,280 points, against naive peers in the same browser. Needs `npm run build`.
// Options: --seconds N (log stream, default 60), --chart-seconds N (appending, default 20),
// --rate N (lines/s, default 1000), --out FILE (default .tmp/bench-ui.json).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { chromium } from '@playwright/test';
import { build } from 'esbuild';

import { charts } from './lib/charts.mjs';
import { logStream } from './lib/log-stream.mjs';
import { failures, formatTable, targets } from './lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const log = (message) => console.error(`[bench:ui] ${message}`);
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'chart-seconds': { type: 'string', default: '20' },
    rate: { type: 'string', default: '1000' },
    out: { type: 'string', default: '.tmp/bench-ui.json' },
  },
});
const seconds = Number(values.seconds);
const chartSeconds = Number(values['chart-seconds']);
const rate = Number(values.rate);
if (![seconds, chartSeconds, rate].every((n) => Number.isFinite(n) && n > 0)) {
  console.error('bench:ui: --seconds, --chart-seconds and --rate take positive numbers');
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'web', 'host.mjs')) || !existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
  console.error('bench:ui: no built app; run `npm run build` first');
  process.exit(2);
}
const flags = JSON.parse(await readFile(join(root, 'e2e', 'support', 'chromium-flags.json'), 'utf8'));
const executablePath = process.env.TRAINDECK_CHROMIUM ?? flags.path;

// The node side (bench/ui/feed.ts) is bundled like the other benches. web-host.ts finds the
// repo from its own folder: keep each file's import.meta.dirname pointing at its real folder.
const ownDirname = {
  name: 'own-dirname',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      return text.includes('import.meta.dirname')
        ? { contents: text.replaceAll('import.meta.dirname', JSON.stringify(dirname(path))), loader: 'ts' }
        : undefined;
    });
  },
};
const tmp = await mkdtemp(join(tmpdir(), 'traindeck-bench-ui-'));
const state = {};
async function cleanup() {
  await state.browser?.close().catch(() => {});
  await state.server?.close().catch(() => {});
  await state.host?.stop().catch(() => {});
  await rm(tmp, { recursive: true, force: true });
}
process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));

try {
  const outfile = join(tmp, 'feed.mjs');
  await build({
    entryPoints: [join(here, 'feed.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [ownDirname],
  });
  const feed = await import(pathToFileURL(outfile).href);
  // launchServer, not launch: its process id lets the bench read the renderers' RSS from /proc.
  state.server = await chromium.launchServer({ executablePath, args: flags.args, headless: true });
  state.browser = await chromium.connect(state.server.wsEndpoint());
  state.host = await feed.startWebHost({ env: { TRAINDECK_FAKE_AWS: '1' } });
  const common = {
    browser: state.browser,
    browserPid: state.server.process().pid,
    hostUrl: state.host.url,
    build: feed,
  };
  const load0 = loadavg()[0];
  const started = new Date();

  const results = { log: {}, charts: {} };
  log(`log stream: ours, ${seconds} s at ${rate} lines/s...`);
  results.log.ours = await logStream({ ...common, seconds, rate, peer: false });
  log(`log stream: naive peer, ${seconds} s...`);
  results.log.peer = await logStream({ ...common, seconds, rate, peer: true });
  log(`charts: ours as served, then ${chartSeconds} s appending...`);
  results.charts.served = await charts({ ...common, seconds: chartSeconds, variant: 'served' });
  log('charts: ours with every point (first render only)...');
  results.charts.raw = await charts({ ...common, seconds: 0, variant: 'raw' });
  log(`charts: naive peer, then ${chartSeconds} s appending...`);
  results.charts.peer = await charts({ ...common, seconds: chartSeconds, variant: 'peer' });

  const version = state.browser.version();
  const targetList = targets(results);
  const failed = failures(results);
  console.log(
    `\nbench:ui (Chromium ${version} headless, ${cpus().length} CPUs, load ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end; viewport 1280x820)`,
  );
  console.log(
    `log: ${seconds} s at ${rate} lines/s through main's RunMonitor (${results.log.ours.deltas} deltas, ${results.log.ours.lines} lines in the tail), monitor open and following`,
  );
  console.log(
    `charts: 8 series of 17,280 points (24 h at 5 s); appending 1 point per series per delta at 10 deltas/s for ${chartSeconds} s`,
  );
  console.log(
    'peers: log = one DOM row per line, no virtualization; charts = one SVG polyline per series, every point, redrawn per delta\n',
  );
  console.log(formatTable(results));
  console.log(
    `\nTargets (printed, not enforced):\n${targetList.map((t) => `  ${t.status}  ${t.name}: ${t.detail}`).join('\n')}`,
  );
  const consoleErrors = [results.log.ours, results.charts.served, results.charts.raw].flatMap((r) =>
    r.errors.filter((e) => e.startsWith('console')),
  );
  if (consoleErrors.length) {
    console.log(
      `\nconsole errors in our page (${consoleErrors.length}): ${[...new Set(consoleErrors)].slice(0, 5).join(' | ')}`,
    );
  }

  const out = resolve(root, values.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(
    out,
    `${JSON.stringify({ version: 1, started: started.toISOString(), finished: new Date().toISOString(), chromium: version, cpus: cpus().length, options: { seconds, chartSeconds, rate }, results, targets: targetList, failures: failed }, null, 2)}\n`,
  );
  console.log(`\nresults: ${out}`);
  if (failed.length) {
    console.error(`\nFAIL:\n${failed.map((x) => `  ${x}`).join('\n')}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`bench:ui: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
