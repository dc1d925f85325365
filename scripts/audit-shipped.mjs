// `npm run audit:shipped`: audits the libraries the app, host, CLI and executor ship (package.json
// `dependencies`; the bundles carry them). Fails on a high or critical advisory. Where the registry does not
// serve the advisory service (an offline mirror answers 405), it says so plainly and exits 3, which
// npm test counts as skipped, not passed: that run audited nothing.
import { spawnSync } from 'node:child_process';

/** The exit code for "the advisory service did not answer" (npm test counts it as skipped). */
const NOT_RUN = 3;

const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report;
try {
  report = JSON.parse(result.stdout);
} catch {
  report = undefined;
}
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const why = report?.message ?? report?.error?.summary ?? (result.stderr.trim().split('\n').pop() || 'no answer');
  console.log(
    `audit: NOT RUN — the registry did not answer the advisory request (${why}). The shipped dependencies were not audited; run npm run audit:shipped where registry.npmjs.org is reachable.`,
  );
  process.exit(NOT_RUN);
}
const prod = report.metadata.dependencies?.prod ?? 0;
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(
  `audit: ${prod} shipped dependencies; advisories: ${counts.critical} critical, ${counts.high} high, ${counts.moderate} moderate, ${counts.low} low.`,
);
if (serious > 0) {
  for (const [name, entry] of Object.entries(report.vulnerabilities ?? {})) {
    if (entry.severity === 'high' || entry.severity === 'critical') {
      console.log(`  ${entry.severity}: ${name} ${entry.range ?? ''}`);
    }
  }
  console.log('Fix: npm audit fix --omit=dev, or update the named packages; see npm audit --omit=dev for details.');
  process.exit(1);
}
