/**
 * `npm run bench:monitor`: a simulated day of one watched run, as fast as the CPU allows.
 * 1,000 log lines/s arrive in 100 ms chunks (bytes → lines → tail ring → progress parser →
 * metric series), a health sample every 5 s (8 series), and the coalescer sends deltas to a
 * counting "renderer" (each serialized as the transports would). Time is a fake clock; CPU is
 * measured with process.cpuUsage, so "CPU % at real time" = CPU time / simulated time.
 * Options: --hours N (default 24), --rate N lines/s (default 1000).
 */
import { FakeClock } from '../../main/aws/testing/fake-clock';
import { localHost } from '../../main/host/local-host';
import { HealthSampler } from '../../main/monitor/health-sampler';
import { LineSplitter } from '../../main/monitor/line-splitter';
import { RunMonitor } from '../../main/monitor/run-monitor';
import { ManualTimers } from '../../main/monitor/testing/manual-timers';
import { healthOutput, makeLines } from './workload';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const hours = arg('hours', 24);
const rate = arg('rate', 1000);
const CHUNK_MS = 100;
const HEALTH_MS = 5000;

const clock = new FakeClock(Date.UTC(2026, 10, 24));
const timers = new ManualTimers(clock);
let events = 0;
let bytes = 0;
let maxPerSecond = 0;
let inSecond = 0;
let second = -1;
const monitor = new RunMonitor({
  runId: 'bench',
  clock,
  timers,
  onDelta: (delta) => {
    events++;
    bytes += JSON.stringify(delta).length;
    const s = Math.floor(clock.now() / 1000);
    if (s !== second) [second, inSecond] = [s, 0];
    maxPerSecond = Math.max(maxPerSecond, ++inSecond);
  },
});
const sampler = new HealthSampler({ shell: localHost(), clock, dataDir: '/data' });
const splitter = new LineSplitter();
const encoder = new TextEncoder();

const simulatedMs = hours * 3_600_000;
const perChunk = (rate * CHUNK_MS) / 1000;
// The workload is made before the clock starts (it is not the monitor's work): 600 distinct
// chunks (one simulated minute), replayed; the lines' own timestamps are ignored by the clock.
const chunks = Array.from({ length: 600 }, (_, i) =>
  encoder.encode(makeLines(Math.floor(i / 10), perChunk, i * perChunk)),
);
let lines = 0;
let peakHeap = 0;
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
for (let t = 0, i = 0; t < simulatedMs; t += CHUNK_MS, i++) {
  const got = splitter.push(chunks[i % chunks.length] as Uint8Array);
  monitor.addTrainLines(got);
  lines += got.length;
  if (t % HEALTH_MS === 0) monitor.addHealth(sampler.parse(healthOutput(t / HEALTH_MS), clock.now()));
  timers.advance(CHUNK_MS);
  if (t % 600_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - wall0;
const snapshotStart = performance.now();
const snapshot = monitor.snapshot(500);
const snapshotMs = performance.now() - snapshotStart;
const memory = process.memoryUsage();
const cpuMs = (cpu.user + cpu.system) / 1000;
const simulatedSeconds = simulatedMs / 1000;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

const rows: [string, string][] = [
  ['simulated time', `${hours} h`],
  ['log lines ingested', `${lines.toLocaleString('en-US')} (${rate}/s)`],
  ['health samples', `${(simulatedMs / HEALTH_MS).toLocaleString('en-US')} (8 series at 5 s)`],
  ['series in store', `${snapshot.series.length} (${snapshot.series.map((s) => s.name).join(', ')})`],
  ['wall time', `${(wallMs / 1000).toFixed(1)} s`],
  ['main-process CPU time', `${(cpuMs / 1000).toFixed(1)} s`],
  [
    'CPU % at real time (CPU time / simulated time)',
    `${((cpuMs / 1000 / simulatedSeconds) * 100).toFixed(3)} % of one core`,
  ],
  ['heap used at end / peak sampled', `${mb(memory.heapUsed)} / ${mb(peakHeap)}`],
  ['RSS at end', mb(memory.rss)],
  [
    'events to renderer',
    `${events.toLocaleString('en-US')} = ${(events / simulatedSeconds).toFixed(2)}/s average, max ${maxPerSecond} in any second`,
  ],
  ['bytes to renderer', `${mb(bytes)} = ${(bytes / simulatedSeconds / 1024).toFixed(1)} KB/s`],
  ['snapshot (500 points/series, LTTB)', `${snapshotMs.toFixed(1)} ms, ${mb(JSON.stringify(snapshot).length)}`],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log(`\nbench:monitor (Node ${process.version}, ${process.platform}-${process.arch})\n`);
console.log(`| ${'measure'.padEnd(width)} | value`);
console.log(`|${'-'.repeat(width + 2)}|------`);
for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v}`);
if (maxPerSecond > 10) {
  console.error(`\nFAIL: ${maxPerSecond} renderer updates in one second (limit 10)`);
  process.exitCode = 1;
}
