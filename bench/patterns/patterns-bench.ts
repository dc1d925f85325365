// `npm run bench:patterns`: the cost of parsing one hostile 16 KiB log line in the main process, for the
// built-in progress patterns (bounded quantifiers) against the unbounded ones they replaced, and for a
// user pattern on RE2 against the same pattern as a JavaScript RegExp. Prints a table of medians.
import { parseLogLine } from '../../shared/monitor/log-patterns';
import { compileUserPattern } from '../../shared/monitor/user-pattern';

const KIB16 = 16 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

/** The patterns before they were bounded (the peer). */
const UNBOUNDED = [
  /(?<step>\d+)\/(?<totalSteps>\d+)\s*(?:\[|━)/,
  /\bepoch\s*[:[]?\s*(?<epoch>\d+)\s*\/\s*(?<totalEpochs>\d+)/i,
  /^\s*Epoch (?<epoch>\d+):/,
  /\b(?:global_)?step\s*[=:\s]\s*(?<step>\d+)(?:\s*\/\s*(?<totalSteps>\d+))?/i,
];
const UNBOUNDED_METRIC =
  /['"]?([A-Za-z_][\w./-]{0,63})['"]?\s*[=:]\s*(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![\d:.%\w]|,\d)/g;

function unboundedParse(line: string): void {
  for (const pattern of UNBOUNDED) pattern.exec(line);
  UNBOUNDED_METRIC.lastIndex = 0;
  while (UNBOUNDED_METRIC.exec(line)) {
    /* every match, as the metric parser walks them */
  }
}

function median(fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const lines: Record<string, string> = {
  'digits (16 KiB of 7s)': '7'.repeat(KIB16),
  'spaces after "step"': 'step' + ' '.repeat(KIB16 - 4),
  'spaces after "epoch"': 'epoch' + ' '.repeat(KIB16 - 5),
  '"loss=" then digits': 'loss=' + '1'.repeat(KIB16 - 5),
  'tqdm bar (real line)': '  45%|████▌     | 450/1000 [01:23<01:42, 5.37it/s, loss=0.3421]'.padEnd(KIB16, ' '),
};

console.log(`one 16 KiB line, median of ${RUNS} (ms per line; lower is better)\n`);
console.log('| line | ours (bounded) | unbounded (before) | ratio |');
console.log('|---|---:|---:|---:|');
for (const [name, line] of Object.entries(lines)) {
  const ours = median(() => parseLogLine(line));
  const peer = median(() => unboundedParse(line));
  console.log(`| ${name} | ${ours.toFixed(2)} | ${peer.toFixed(2)} | ${(peer / Math.max(ours, 0.001)).toFixed(0)}× |`);
}

const user = '(?<step>(\\d+)+)x';
const re2 = compileUserPattern(user);
const js = new RegExp(user, 'i');
console.log(`\nuser pattern ${user} (ms per line)\n`);
console.log('| line | RE2 (ours) | JavaScript RegExp | ratio |');
console.log('|---|---:|---:|---:|');
for (const length of [16, 20, 24]) {
  const line = '1'.repeat(length) + '!';
  const ours = median(() => re2.match(line));
  const peer = median(() => js.exec(line));
  console.log(
    `| ${length} digits + "!" | ${ours.toFixed(3)} | ${peer.toFixed(1)} | ${(peer / Math.max(ours, 0.001)).toFixed(0)}× |`,
  );
}
const long = '1'.repeat(KIB16) + '!';
console.log(`| 16 KiB of digits + "!" | ${median(() => re2.match(long)).toFixed(2)} | never returns (2^n) | — |`);
