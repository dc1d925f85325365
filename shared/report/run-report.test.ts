import { describe, expect, it } from 'vitest';

import { applyRunEvent, emptyRunSnapshot, type RunEvent } from '../domain/run';
import type { JournalEntry } from '../domain/run-journal';
import { reportHtml } from './report-html';
import { reportMarkdown } from './report-markdown';
import { computeRunCost } from './run-cost';
import { buildRunReport } from './run-report';
import { finishedRun } from './testing/finished-run';

const START = Date.parse('2026-11-24T10:00:00.000Z');
const at = (min: number) => new Date(START + min * 60_000).toISOString();
const GENERATED = at(200);

const journal: JournalEntry[] = [
  { type: 'opened', at: at(1), runId: 'r-1', region: 'eu-west-1', instanceType: 'g5.xlarge', pid: 1 },
  { type: 'created', at: at(1), step: 'key-pair', kind: 'key-pair', id: 'traindeck-r-1' },
  { type: 'created', at: at(1), step: 'security-group', kind: 'security-group', id: 'sg-1' },
  { type: 'created', at: at(1), step: 'instance-profile', kind: 'instance-profile', id: 'traindeck-executor' },
  { type: 'created', at: at(2), step: 'instance', kind: 'instance', id: 'i-1' },
  { type: 'cleanup', at: at(189), reason: 'teardown of 3 resource(s)' },
  { type: 'deleted', at: at(190), kind: 'instance', id: 'i-1' },
  { type: 'deleted', at: at(190), kind: 'security-group', id: 'sg-1' },
  { type: 'deleted', at: at(190), kind: 'key-pair', id: 'traindeck-r-1' },
  { type: 'deleted', at: at(190), kind: 'volume', id: 'vol-found-by-tag' },
  { type: 'closed', at: at(190), outcome: 'torn-down' },
];

describe('the run report', () => {
  const run = finishedRun({ runId: 'r-1', name: 'resnet', backend: 'aws-ec2', start: START, exitCode: 0 });
  const withCost = applyRunEvent(run, {
    runId: 'r-1',
    seq: 99,
    at: at(191),
    type: 'cost',
    ...computeRunCost(
      run,
      {
        backend: 'aws-ec2',
        compute: { instanceType: 'g5.xlarge', diskGb: 100, market: 'on-demand' },
        instanceRegion: 'eu-west-1',
        bucketRegion: 'eu-west-1',
      },
      START,
    ),
  });

  it('has the timeline, outcome, data figures, resources with their fate and the itemized cost', () => {
    const report = buildRunReport(withCost, { journal, generatedAt: GENERATED });
    expect(report.phases.find((p) => p.phase === 'training')).toMatchObject({
      status: 'succeeded',
      durationSeconds: 180 * 60,
    });
    expect(report.data).toMatchObject({
      pulled: { files: 12, bytes: 5e9 },
      pushed: { files: 40, uploaded: 31 },
      syncCheck: { status: 'succeeded', checked: 40, rePushes: 0 },
    });
    expect(report.resources!.verified).toBe(true);
    expect(report.resources!.rows.map((r) => [r.kind, r.id, r.fate])).toEqual([
      ['key-pair', 'traindeck-r-1', 'deleted-verified'],
      ['security-group', 'sg-1', 'deleted-verified'],
      ['instance-profile', 'traindeck-executor', 'kept'],
      ['instance', 'i-1', 'deleted-verified'],
      ['volume', 'vol-found-by-tag', 'deleted-verified'],
    ]);
    const markdown = reportMarkdown(report);
    expect(markdown).toContain('# Run resnet');
    expect(markdown).toContain('- Outcome: **succeeded** (exit code 0)');
    expect(markdown).toContain('| training | succeeded | 3 h 00 min |  |');
    expect(markdown).toContain('- Pulled (S3 → machine): 12 files, 4.7 GiB');
    expect(markdown).toContain('- S3 verification: verified: 40 files compared with S3');
    expect(markdown).toContain(
      '| instance | `i-1` | eu-west-1 | 2026-11-24 10:02 UTC | 2026-11-24 13:10 UTC | deleted, verified by rescan |',
    );
    expect(markdown).toContain('- Started: 2026-11-24 10:00 UTC, ended 2026-11-24 13:10 UTC (3 h 10 min)');
    expect(markdown).toMatch(/\| Instance g5\.xlarge \(on-demand\) \| 3\.15 h × \$1\.006\/h \| \$3\.17 \|/);
    expect(markdown).toContain(
      '| Data transfer EC2 ↔ S3 | pulled 12 files, 4.7 GiB; pushed 40 files, 1.4 GiB | $0.00 |',
    );
    expect(markdown).toMatch(/\| \*\*Total\*\* \|\s+\| \*\*\$3\.22\*\* \|/);
  });

  it('flags what teardown did not confirm', () => {
    const open = journal.slice(0, 5);
    const report = buildRunReport(withCost, {
      journal: [
        ...open,
        { type: 'survivor', at: at(190), kind: 'instance', id: 'i-1', reason: 'UnauthorizedOperation' },
      ],
      generatedAt: GENERATED,
    });
    expect(report.resources!.verified).toBe(false);
    expect(report.resources!.rows.find((r) => r.id === 'i-1')).toMatchObject({
      fate: 'survivor',
      reason: 'UnauthorizedOperation',
    });
    expect(reportMarkdown(report)).toContain('STILL EXISTS: UnauthorizedOperation');
    expect(reportHtml(report)).toContain('NOT all confirmed gone');
  });

  it('says plainly what it does not know: no cost recorded, no journal, nothing pulled', () => {
    const failed = [
      { type: 'phase', phase: 'preflight', status: 'failed', reason: 'key | missing', fix: 'Generate one.' },
      { type: 'finished', outcome: 'failed', reason: 'preflight: key | missing' },
    ].reduce<ReturnType<typeof emptyRunSnapshot>>(
      (s, e, i) => applyRunEvent(s, { runId: 'r-9', seq: i + 1, at: at(i), ...e } as RunEvent),
      emptyRunSnapshot('r-9', 'early', 'aws-ec2', at(0)),
    );
    const report = buildRunReport(failed, { journal: null, generatedAt: GENERATED });
    const markdown = reportMarkdown(report);
    expect(markdown).toContain('| preflight | failed | — | key \\| missing — Generate one. |');
    expect(markdown).toContain('- Pulled (S3 → machine): nothing pulled');
    expect(markdown).toContain('- S3 verification: not run');
    expect(markdown).toContain('No journal: nothing was created in AWS');
    expect(markdown).toContain('Not recorded for this run.');
    expect(reportHtml(report)).toContain('Not recorded for this run.');
    // Without the journal at all (the page builds it from the snapshot), there is no resources section.
    expect(reportMarkdown(buildRunReport(failed, { generatedAt: GENERATED }))).not.toContain('## Resources');
  });

  it('takes pushed bytes and verifications from per-folder sync figures when phase details lack them', () => {
    const folder = (name: string, policy: 'pull-only' | 'local-wins', files: number, bytes: number) => ({
      folder: name,
      policy,
      filesDone: files,
      filesTotal: files,
      bytesDone: bytes,
      bytesTotal: bytes,
      bytesPerSecond: 0,
      state: 'done' as const,
      failures: 0,
    });
    let run = emptyRunSnapshot('r-8', 'sync', 'aws-ec2', at(0));
    const events = [
      {
        type: 'sync',
        direction: 'pull',
        folders: [folder('cached_datasets', 'pull-only', 3, 3000), folder('logs', 'local-wins', 0, 0)],
      },
      {
        type: 'sync-verified',
        direction: 'pull',
        folders: [{ folder: 'cached_datasets', policy: 'pull-only', ok: true, checked: 3, mismatches: 0 }],
      },
      { type: 'sync', direction: 'push', folders: [folder('logs', 'local-wins', 2, 2048)] },
      {
        type: 'sync-verified',
        direction: 'push',
        folders: [{ folder: 'logs', policy: 'local-wins', ok: false, checked: 2, mismatches: 1 }],
      },
    ];
    events.forEach((e, i) => (run = applyRunEvent(run, { runId: 'r-8', seq: i + 1, at: at(i), ...e } as RunEvent)));
    const data = buildRunReport(run, { generatedAt: GENERATED }).data;
    expect(data).toMatchObject({
      pulled: { files: 3, bytes: 3000 },
      datasets: { status: 'succeeded', files: 3 },
      pushed: { files: 2, bytes: 2048 },
      syncCheck: { status: 'failed', checked: 2 },
    });
  });

  it('ssh-host runs show their $0 compute and no AWS resources', () => {
    const own = finishedRun({ runId: 'r-7', name: 'box', backend: 'ssh-host', start: START });
    const costed = applyRunEvent(own, {
      runId: 'r-7',
      seq: 99,
      at: at(191),
      type: 'cost',
      ...computeRunCost(own, { backend: 'ssh-host', instanceRegion: 'eu-west-1', bucketRegion: 'eu-west-1' }, START),
    });
    const markdown = reportMarkdown(buildRunReport(costed, { journal: null, generatedAt: GENERATED }));
    expect(markdown).toContain('- Cost: $0.00 (own machine)');
    expect(markdown).toContain('| Compute: your own machine (ssh-host) | nothing rented | $0.00 |');
    expect(markdown).toContain('Nothing was created in AWS: the run used your own machine.');
  });

  it('escapes everything in the HTML and Markdown: a run name with <script> stays text', () => {
    const evil = { ...withCost, name: '<script>alert("x")</script>&', reason: 'a <b>bold</b> | claim\nnext' };
    const report = buildRunReport(evil, { journal, generatedAt: GENERATED });
    const page = reportHtml(report);
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('<h1>Run &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;</h1>');
    expect(page).toContain('<title>Run &lt;script&gt;');
    expect(page).toContain('a &lt;b&gt;bold&lt;/b&gt; | claim\nnext');
    // Self-contained and printable: its own CSP forbids scripts and loads, A4 page, print rules.
    expect(page).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';`,
    );
    expect(page).toContain('@page { size: A4;');
    expect(page).toContain('@media print');
    expect(page).not.toMatch(/<(link|img|iframe|object)\b|src=|href=/i);
    const markdown = reportMarkdown(report);
    expect(markdown).toContain('# Run \\<script\\>alert("x")\\</script\\>&');
    expect(markdown).toContain('- Reason: a \\<b\\>bold\\</b\\> \\| claim next');
  });
});
