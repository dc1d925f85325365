import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { computeRunCost } from '../../../shared/report/run-cost';
import type { SavedRunReport } from '../../../shared/report/run-report';
import { finishedRun, finishedRunEvents } from '../../../shared/report/testing/finished-run';
import { createCore } from '../../composition/create-core';
import { silentLogger } from '../../core/logger';
import { yesTrustGate } from '../../trust/testing/yes-trust-gate';
import type { PdfPrinter } from './pdf-printer';

const RUN_ID = 'bert-20261124-100000-cd34';
const START = Date.parse('2026-11-24T10:00:00.000Z');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-report-core-'));
  // A past run as RunService finds it after a restart: its events.jsonl, the cost event included.
  const options = { runId: RUN_ID, name: 'bert', backend: 'ssh-host' as const, start: START };
  const events = finishedRunEvents(options);
  const cost = computeRunCost(
    finishedRun(options),
    { backend: 'ssh-host', instanceRegion: 'eu-west-1', bucketRegion: 'eu-west-1' },
    START,
  );
  events.splice(events.length - 1, 0, {
    runId: RUN_ID,
    seq: events.length,
    at: events.at(-1)!.at,
    type: 'cost',
    ...cost,
  });
  events.at(-1)!.seq = events.length;
  mkdirSync(join(dir, 'data', 'runs', RUN_ID), { recursive: true });
  writeFileSync(
    join(dir, 'data', 'runs', RUN_ID, 'events.jsonl'),
    events.map((e) => JSON.stringify(e)).join('\n') + '\n',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('runs.saveReport in the composed core', () => {
  it('uses the PDF printer the Electron shell injects (a fake here), through the router', async () => {
    const calls: string[] = [];
    const printer: PdfPrinter = {
      print: async (htmlPath) => (calls.push(htmlPath), new Uint8Array([0x25, 0x50, 0x44, 0x46])),
    };
    const core = createCore({
      trust: yesTrustGate(),
      transport: 'electron',
      isTrusted: () => true,
      log: silentLogger,
      projectRoot: dir,
      env: { TRAINDECK_DATA_DIR: join(dir, 'data') },
      pdfPrinter: printer,
    });
    const result = await core.router.handle('runs.saveReport', { runId: RUN_ID }, { transport: 'in-process' });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const saved = result.value as SavedRunReport;
    expect(calls).toEqual([join(dir, 'data', 'runs', RUN_ID, 'report.html')]);
    expect(saved.pdf.status).toBe('saved');
    expect((await stat(saved.files.pdf!)).mode & 0o777).toBe(0o600);
    expect(await readFile(saved.files.pdf!, 'utf8')).toBe('%PDF');
    expect(saved.markdown).toContain('- Cost: $0.00 (own machine)');
  });

  it('has no PDF in browser mode (no printer injected)', async () => {
    const core = createCore({
      trust: yesTrustGate(),
      transport: 'web',
      isTrusted: () => true,
      log: silentLogger,
      projectRoot: dir,
      env: { TRAINDECK_DATA_DIR: join(dir, 'data') },
    });
    const result = await core.router.handle('runs.saveReport', { runId: RUN_ID }, { transport: 'in-process' });
    expect(result).toMatchObject({
      ok: true,
      value: { pdf: { status: 'desktop-only' }, files: { markdown: join(dir, 'data', 'runs', RUN_ID, 'report.md') } },
    });
    expect(result.ok && 'pdf' in (result.value as SavedRunReport).files).toBe(false);
    const report = await core.router.handle('runs.report', { runId: 'no-such-run' }, { transport: 'in-process' });
    expect(report).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
