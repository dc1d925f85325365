/**
 * The run report's PDF through Electron's real printToPDF: a finished run is put on disk as
 * main leaves it (events.jsonl + journal.jsonl), the desktop app saves its report, and the
 * PDF is a real PDF next to the Markdown and HTML. Browser mode has no printer (its specs
 * check "PDF: desktop app only"). Needs `npm run build` and the Electron binary; without the
 * binary the file is skipped with the reason.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { expect, test } from '@playwright/test';

import { RUN_ID } from '../web/monitor-fixture';
import { writeFinishedRun } from '../web/report-fixture';
import { locateElectronForTests } from './electron-binary';
import { launchApp, type LaunchedApp } from './launch-app';

const electronBinary = locateElectronForTests();
// Print the skip reason once: Playwright loads this file in the runner (no TEST_WORKER_INDEX) and again in a worker.
if (!electronBinary.found && process.env.TEST_WORKER_INDEX === undefined) {
  console.log(`[electron e2e] report PDF skipped: ${electronBinary.reason}`);
}

test.describe('the run report in the desktop app', () => {
  test.skip(!electronBinary.found, electronBinary.found ? '' : electronBinary.reason);

  let launched: LaunchedApp | undefined;

  test.beforeAll(async () => {
    if (!electronBinary.found) return;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'traindeck-electron-report-'));
    // launchApp points TRAINDECK_DATA_DIR at DIR/data.
    writeFinishedRun(path.join(dir, 'data'), Date.now());
    launched = await launchApp(electronBinary.executablePath, dir);
  });

  test.afterAll(async () => {
    await launched?.close();
  });

  test('Save report writes Markdown, HTML and a PDF printed by Chromium (0600 each)', async () => {
    const result = await launched!.invoke('runs.saveReport', { runId: RUN_ID });
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
