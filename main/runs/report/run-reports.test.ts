import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { applyRunEvent } from '../../../shared/domain/run';
import { computeRunCost } from '../../../shared/report/run-cost';
import { finishedRun } from '../../../shared/report/testing/finished-run';
import { silentLogger } from '../../core/logger';
import { appendToJournal, runDir } from '../../lifecycle/journal/run-journal';
import type { PdfPrinter } from './pdf-printer';
import { RunReports } from './run-reports';

const START = Date.parse('2026-11-24T10:00:00.000Z');
const RUN_ID = 'resnet-20261124-100000-ab12';
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'traindeck-reports-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const base = finishedRun({ runId: RUN_ID, name: '<script>x</script>', backend: 'aws-ec2', start: START });
const run = applyRunEvent(base, {
  runId: RUN_ID,
  seq: 999,
  at: new Date(START).toISOString(),
  type: 'cost',
  ...computeRunCost(
    base,
    {
      backend: 'aws-ec2',
      compute: { instanceType: 'g5.xlarge', diskGb: 100, market: 'spot' },
      instanceRegion: 'eu-west-1',
      bucketRegion: 'eu-west-1',
    },
    START,
  ),
});

const reports = (pdf?: PdfPrinter) =>
  new RunReports({
    dataDir,
    run: (runId) => {
      if (runId !== RUN_ID) throw new Error(`No run ${runId}.`);
      return run;
    },
    now: () => START + 4 * 3_600_000,
    log: silentLogger,
    progressOf: () => ({ step: 900, totalSteps: 1000, metrics: { loss: 0.25 } }),
    ...(pdf ? { pdf } : {}),
  });

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('RunReports', () => {
  beforeEach(async () => {
    let t = START;
    await appendToJournal(dataDir, RUN_ID, () => (t += 60_000), [
      { type: 'opened', runId: RUN_ID, region: 'eu-west-1', instanceType: 'g5.xlarge', pid: 1 },
      { type: 'created', step: 'instance', kind: 'instance', id: 'i-0abc' },
      { type: 'deleted', kind: 'instance', id: 'i-0abc' },
      { type: 'closed', outcome: 'torn-down' },
    ]);
  });

  it('builds the report from the snapshot, the journal and the monitor, writing nothing', async () => {
    const report = await reports().build(RUN_ID);
    expect(report.resources!.rows).toEqual([
      expect.objectContaining({ kind: 'instance', id: 'i-0abc', fate: 'deleted-verified' }),
    ]);
    expect(report.cost!.upperBound).toBe(true);
    expect(report.training).toEqual({ step: 900, totalSteps: 1000, metrics: { loss: 0.25 } });
    await expect(stat(join(runDir(dataDir, RUN_ID), 'report.md'))).rejects.toThrow();
  });

  it('saves report.md and report.html owner-only; without a printer the PDF is desktop-only', async () => {
    // An older, world-readable report is replaced, not reused with its mode.
    await writeFile(join(runDir(dataDir, RUN_ID), 'report.md'), 'old', { mode: 0o644 });
    const saved = await reports().save(RUN_ID);
    expect(saved.files).toEqual({
      markdown: join(runDir(dataDir, RUN_ID), 'report.md'),
      html: join(runDir(dataDir, RUN_ID), 'report.html'),
    });
    expect(saved.pdf).toEqual({ status: 'desktop-only' });
    expect(await readFile(saved.files.markdown, 'utf8')).toBe(saved.markdown);
    expect(await readFile(saved.files.html, 'utf8')).toBe(saved.html);
    expect(saved.markdown).toContain('| instance | `i-0abc` | eu-west-1 |');
    expect(saved.markdown).toMatch(/Cost: ≤ \$\d+\.\d\d/);
    expect(saved.html).toContain('<h1>Run &lt;script&gt;x&lt;/script&gt;</h1>');
    expect(await mode(saved.files.markdown)).toBe(0o600);
    expect(await mode(saved.files.html)).toBe(0o600);
  });

  it('prints the saved HTML file to report.pdf through the port, and keeps the rest when printing fails', async () => {
    const printed: string[] = [];
    const saved = await reports({
      print: async (path) => (printed.push(path), new TextEncoder().encode('%PDF-1.7 fake')),
    }).save(RUN_ID);
    expect(printed).toEqual([saved.files.html]);
    expect(saved.pdf).toEqual({ status: 'saved' });
    expect(await readFile(saved.files.pdf!, 'utf8')).toBe('%PDF-1.7 fake');
    expect(await mode(saved.files.pdf!)).toBe(0o600);

    const failed = await reports({ print: () => Promise.reject(new Error('GPU process crashed')) }).save(RUN_ID);
    expect(failed.pdf).toEqual({ status: 'failed', reason: 'GPU process crashed' });
    expect(await mode(failed.files.html)).toBe(0o600);
  });

  it('refuses an unknown run before writing anything', async () => {
    await expect(reports().save('..')).rejects.toThrow(/No run/);
  });
});
