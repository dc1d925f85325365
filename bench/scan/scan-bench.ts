// `npm run bench:scan`: the cost scanner against the in-memory EC2 with 30 regions and a
// simulated latency per call, bounded-parallel vs one call at a time. Target: < 3 s parallel.
import { FakeAws } from '../../main/aws/fake/fake-aws';
import { systemClock } from '../../main/core/clock';
import { realSleep } from '../../main/core/sleep';
import { scanAccount, type ScanOptions } from '../../main/lifecycle/cost/scanner';
import { TAG_CREATED_BY, TAG_RUN_ID } from '../../shared/domain/tags';

const REGIONS = 30;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 80);
const CONCURRENCY = 10;
const TARGET_MS = 3_000;

function account(): FakeAws {
  const names = Array.from({ length: REGIONS }, (_, i) => `xx-bench-${i + 1}`);
  const fake = new FakeAws({ clock: systemClock, regions: names, latencyMs: LATENCY_MS });
  names.forEach((name, i) => {
    const tags: Record<string, string> =
      i % 2
        ? { [TAG_RUN_ID]: `bench-20250601-000000-${String(i).padStart(4, '0')}`, [TAG_CREATED_BY]: 'traindeck/bench' }
        : {};
    fake.region(name).volumes.set(`vol-${i}`, {
      id: `vol-${i}`,
      volumeType: 'gp3',
      sizeGb: 100,
      state: 'available',
      tags,
      deleteOnTermination: false,
    });
  });
  return fake;
}

async function timed(mode: NonNullable<ScanOptions['mode']>) {
  const fake = account();
  const started = performance.now();
  const scan = await scanAccount({
    ports: fake.ports(),
    clock: systemClock,
    sleep: realSleep,
    mode,
    concurrency: CONCURRENCY,
  });
  const ms = performance.now() - started;
  if (scan.resources.length !== REGIONS || scan.regions.some((r) => r.status !== 'ok')) {
    throw new Error(`scan incomplete in ${mode} mode`);
  }
  return { mode, ms, calls: fake.calls.length, total: scan.totalHourlyUsd };
}

const parallel = await timed('parallel');
const sequential = await timed('sequential');
const rows = [
  ['mode', 'regions', 'calls', 'latency/call', 'wall time'],
  ...[parallel, sequential].map((r) => [
    r.mode === 'parallel' ? `parallel (${CONCURRENCY} regions at once)` : 'sequential (1 call at a time)',
    String(REGIONS),
    String(r.calls),
    `${LATENCY_MS} ms`,
    `${(r.ms / 1000).toFixed(2)} s`,
  ]),
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
for (const row of rows) {
  console.log(
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}
const ratio = sequential.ms / parallel.ms;
const pass = parallel.ms < TARGET_MS;
console.log(`speed-up: ${ratio.toFixed(1)}×   target: parallel < ${TARGET_MS / 1000} s → ${pass ? 'PASS' : 'FAIL'}`);
process.exitCode = pass ? 0 : 1;
