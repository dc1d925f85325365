/**
 * The run report's PDF through Electron's real printToPDF: a finished run is put on disk as
 * main leaves it (events.jsonl + journal.jsonl), the desktop app saves its report, and the
 * PDF is a real PDF next to the Markdown and HTML. Browser mode has no printer (its specs
 * check "PDF: desktop app only"). Needs `npm run build` and the Electron binary; without the
 * binary the file is skipped with the reason.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finishedRunFiles } from '../web/report-fixture';
import { RUN_ID } from '../web/monitor-fixture';
import { locateElectronForTests } from './electron-binary';
import { launchApp, type LaunchedApp } from './launch-app';

interface Bridge {
  traindeck: { invoke(command: string, request: unknown): Promise<{ ok: boolean; value?: unknown; error?: unknown }> };
}

const electronBinary = locateElectronForTests();
// Print the skip reason once: Playwright loads this file in the runner (no TEST_WORKER_INDEX) and again in a worker.
if (!electronBinary.found && process.env.TEST_WORKER_INDEX === undefined) {
  console.log(`[electron e2e] report PDF skipped: ${electronBinary.reason}`);
}

test.describe('the run report in the desktop app', () => {
  test.skip(!electronBinary.found, electronBinary.found ? '' : electronBinary.reason);

  let launched: LaunchedApp | undefined;
  let dir = '';

  test.beforeAll(async () => {
    if (!electronBinary.found) return;
    dir = mkdtempSync(path.join(os.tmpdir(), 'traindeck-electron-report-'));
    // launchApp points TRAINDECK_DATA_DIR at DIR/data.
    const runDir = path.join(dir, 'data', 'runs', RUN_ID);
    mkdirSync(runDir, { recursive: true, mode: 0o700 });
    const files = finishedRunFiles(Date.now());
    writeFileSync(path.join(runDir, 'events.jsonl'), files.events.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
    writeFileSync(path.join(runDir, 'journal.jsonl'), files.journal.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
    launched = await launchApp(electronBinary.executablePath, dir);
  });

  test.afterAll(async () => {
    if (launched?.log()) await test.info().attach('main-process-stderr', { body: launched.log(), contentType: 'text/plain' });
    await launched?.app.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Save report writes Markdown, HTML and a PDF printed by Chromium (0600 each)', async () => {
    const result = await launched!.page.evaluate((runId) => (globalThis as unknown as Bridge).traindeck.invoke('runs.saveReport', { runId }), RUN_ID);
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    const files = (result.value as { files: { markdown: string; html: string; pdf?: string } }).files;
    expect(files.pdf, 'the desktop app prints a PDF').toBeDefined();
    const pdf = readFileSync(files.pdf!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    for (const file of [files.markdown, files.html, files.pdf!]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(files.markdown, 'utf8')).toContain('resnet50-baseline');
  });
});
