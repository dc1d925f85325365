/**
 * Quit with a run going on, in the real desktop app: the quit is held and the user asked
 * (the native dialog is stubbed in main, since Playwright cannot click it); "keep in the tray"
 * keeps the app and its run alive; "quit anyway" quits and leaves a note in the run's events
 * for the next start. The run is an ssh-host run to a closed port: it stays in "connecting"
 * (retrying) long enough, and nothing real is reached. Needs `npm run build` and the Electron
 * binary; without the binary the file is skipped with the reason.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { expect, test } from '@playwright/test';

import { locateElectronForTests } from './electron-binary';
import { launchApp } from './launch-app';

const electronBinary = locateElectronForTests();
// Print the skip reason once: Playwright loads this file in the runner (no TEST_WORKER_INDEX) and again in a worker.
if (!electronBinary.found && process.env.TEST_WORKER_INDEX === undefined) {
  console.log(`[electron e2e] quit guard skipped: ${electronBinary.reason}`);
}

interface StubGlobals {
  asked: string[];
  answer: number;
}

test.describe('quit while a run goes on', () => {
  test.skip(!electronBinary.found, electronBinary.found ? '' : electronBinary.reason);

  test('the quit is held and asked; "keep in the tray" keeps the run; "quit anyway" quits and notes it', async () => {
    if (!electronBinary.found) return;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'traindeck-electron-quit-'));
    // Made-up credentials for the ssh-host run's S3 access: nothing is ever sent anywhere.
    writeFileSync(
      path.join(dir, 'aws-credentials-none'),
      '[default]\naws_access_key_id = AKIAEXAMPLEEXAMPLE00\naws_secret_access_key = example\n',
    );
    const files = path.join(dir, 'files');
    mkdirSync(files);
    writeFileSync(path.join(files, 'sse.key'), randomBytes(32), { mode: 0o600 });
    writeFileSync(path.join(files, 'id_ed25519'), 'not a key: the connect attempts fail and are retried\n');
    const launched = await launchApp(electronBinary.executablePath, dir);
    let closed = false;
    launched.app.on('close', () => (closed = true));
    try {
      await launched.app.evaluate(({ dialog }) => {
        const g = globalThis as unknown as StubGlobals;
        g.asked = [];
        g.answer = 0;
        dialog.showMessageBox = (async (...args: unknown[]) => {
          g.asked.push((args.at(-1) as { message: string }).message);
          return { response: g.answer, checkboxChecked: false };
        }) as typeof dialog.showMessageBox;
      });
      const started = await launched.invoke('runs.start', {
        backend: 'ssh-host',
        host: { address: 'me@127.0.0.1:1', identityFile: path.join(files, 'id_ed25519') },
        config: {
          version: 1,
          aws: { region: 'us-east-1' },
          storage: { bucket: 'traindeck-e2e-quit', sseKeyFile: path.join(files, 'sse.key') },
          code: { repoUrl: 'https://git.example.invalid/repo.git' },
          training: { command: 'true' },
        },
      });
      expect(started, JSON.stringify(started)).toMatchObject({ ok: true });
      const runId = (started.value as { runId: string }).runId;

      await launched.app.evaluate(({ app }) => app.quit());
      await expect
        .poll(() => launched.app.evaluate(() => (globalThis as unknown as StubGlobals).asked))
        .toEqual(['TrainDeck has 1 run going on. Quit anyway?']);
      // Kept in the tray: the process and its run are alive.
      expect(closed).toBe(false);
      const snapshot = await launched.invoke('runs.get', { runId });
      expect(snapshot).toMatchObject({ ok: true, value: { state: 'running' } });

      await launched.app.evaluate(() => ((globalThis as unknown as StubGlobals).answer = 2));
      await launched.app.evaluate(({ app }) => app.quit()).catch(() => undefined);
      await expect.poll(() => closed).toBe(true);
      const events = path.join(dir, 'data', 'runs', runId, 'events.jsonl');
      expect(existsSync(events)).toBe(true);
      expect(readFileSync(events, 'utf8')).toContain('TrainDeck quit while this run went on');
    } finally {
      if (!closed) await launched.close();
    }
  });
});
