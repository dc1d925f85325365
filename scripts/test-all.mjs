// `npm test`: the whole check, as CI runs it. Typecheck, lint and build count as one
// check each; unit/integration (vitest) and end-to-end (Playwright) count per test.
// Ends with one line `total: N passed, N failed, N skipped` and a non-zero exit on any failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureSystemPackages } from './system-packages.mjs';

const TMP = '.tmp/test-results';
rmSync(TMP, { recursive: true, force: true });
mkdirSync(TMP, { recursive: true });

const rows = [];

// Every temp folder the tests make goes under one run folder, removed at the end, so a run
// leaves nothing behind in /tmp even when a test forgets its own cleanup. Kept short: Ceph's
// admin sockets live below it and Unix socket paths are limited to 108 bytes.
const RUN_TMP = mkdtempSync(join(tmpdir(), 'td-test-'));
process.on('exit', () => rmSync(RUN_TMP, { recursive: true, force: true }));

function run(label, command, args, env = {}) {
  const started = Date.now();
  console.log(`\n━━ ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, TMPDIR: RUN_TMP, ...env } });
  return { ok: result.status === 0, seconds: (Date.now() - started) / 1000, status: result.status ?? result.signal };
}

function check(label, command, args) {
  const outcome = run(label, command, args);
  rows.push({ label, passed: outcome.ok ? 1 : 0, failed: outcome.ok ? 0 : 1, skipped: 0, seconds: outcome.seconds });
  return outcome.ok;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** A runner that crashed before writing its report counts as one failure, never as a pass. */
function suite(label, command, args, env, reportPath, count) {
  const outcome = run(label, command, args, env);
  const report = readJson(reportPath);
  const counts = report ? count(report) : { passed: 0, failed: 1, skipped: 0 };
  if (!outcome.ok && counts.failed === 0) counts.failed = 1;
  rows.push({ label, ...counts, seconds: outcome.seconds });
}

ensureSystemPackages();

check('format', 'npm', ['run', '--silent', 'format:check']);
// Exit 3: the registry does not serve the advisory service here; counted as skipped (audited nothing), with its line.
const audit = run('audit (shipped dependencies)', 'npm', ['run', '--silent', 'audit:shipped']);
const auditSkipped = audit.status === 3;
rows.push({
  label: auditSkipped ? 'audit (not run: no advisory service)' : 'audit (shipped dependencies)',
  passed: audit.ok ? 1 : 0,
  failed: audit.ok || auditSkipped ? 0 : 1,
  skipped: auditSkipped ? 1 : 0,
  seconds: audit.seconds,
});
check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('lint', 'npm', ['run', '--silent', 'lint']);
check('folder cycles', 'npm', ['run', '--silent', 'lint:folders']);
const built = check('build', 'npm', ['run', '--silent', 'build']);

if (built) {
  const vitestReport = join(TMP, 'vitest.json');
  suite(
    'unit + integration (vitest)',
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
    {},
    vitestReport,
    (r) => ({
      passed: r.numPassedTests,
      failed: r.numFailedTests + suitesThatFailedToLoad(r),
      skipped: r.numPendingTests + r.numTodoTests,
    }),
  );
  const playwrightReport = join(TMP, 'playwright.json');
  suite(
    'end-to-end (playwright)',
    'node',
    // Under `xvfb-run -a` where the Electron specs need a display and there is none.
    ['scripts/e2e.mjs'],
    { TRAINDECK_PW_JSON: playwrightReport },
    playwrightReport,
    (r) => ({
      passed: r.stats.expected + r.stats.flaky,
      failed: r.stats.unexpected + (r.errors?.length ?? 0),
      skipped: r.stats.skipped,
    }),
  );
} else {
  rows.push({ label: 'tests (not run: the build failed)', passed: 0, failed: 1, skipped: 0, seconds: 0 });
}

/** A test file that failed to load has no failed test of its own; count it once. */
function suitesThatFailedToLoad(r) {
  return r.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed'),
  ).length;
}

const total = rows.reduce(
  (sum, row) => ({
    passed: sum.passed + row.passed,
    failed: sum.failed + row.failed,
    skipped: sum.skipped + row.skipped,
  }),
  { passed: 0, failed: 0, skipped: 0 },
);
const width = Math.max(...rows.map((row) => row.label.length));
console.log('\n━━ summary');
for (const row of rows) {
  const mark = row.failed ? '✗' : '✓';
  console.log(
    `${mark} ${row.label.padEnd(width)}  ${String(row.passed).padStart(4)} passed  ${String(row.failed).padStart(3)} failed  ${String(row.skipped).padStart(3)} skipped  ${row.seconds.toFixed(1).padStart(6)} s`,
  );
}
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 ? 0 : 1);
