import { rmSync } from 'node:fs';
import path from 'node:path';

import { _electron as electron, type ElectronApplication, type Page, test } from '@playwright/test';

import { PROJECT_ROOT } from './electron-binary';

/** A command's answer as the page's bridge returns it (a `Result`). */
export interface BridgeResult {
  ok: boolean;
  value?: unknown;
  error?: unknown;
}

interface Bridge {
  traindeck: { invoke(command: string, request: unknown): Promise<BridgeResult> };
}

/** The built desktop app, started for a spec. */
export interface LaunchedApp {
  app: ElectronApplication;
  page: Page;
  /** Everything main wrote on stderr, for an attachment when a test fails. */
  log: () => string;
  /** Sends a command through the page's bridge, as the renderer does; the Result comes back as is. */
  invoke: (command: string, request: unknown) => Promise<BridgeResult>;
  /** Attaches main's stderr to the current test (or hook) when there is any, closes the app and removes `dataDir`. */
  close: () => Promise<void>;
}

/**
 * Starts dist/main/main.cjs in Electron with its data under `dataDir` and no view of a real
 * AWS account (no AWS_* variables, no ~/.aws files), and waits for the renderer to be ready.
 * `dataDir` is the app's from then on: `close()` removes it.
 */
export async function launchApp(executablePath: string, dataDir: string): Promise<LaunchedApp> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_'))) as Record<
    string,
    string
  >;
  Object.assign(env, {
    TRAINDECK_DATA_DIR: path.join(dataDir, 'data'),
    AWS_CONFIG_FILE: path.join(dataDir, 'aws-config-none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dataDir, 'aws-credentials-none'),
  });
  const main = path.join(PROJECT_ROOT, 'dist', 'main', 'main.cjs');
  // Chromium refuses to start as root without --no-sandbox (CI containers run as root), and a
  // container's /dev/shm (64 MB by default) is too small for it: shared memory goes to /tmp instead.
  const args = process.getuid?.() === 0 ? ['--no-sandbox', '--disable-dev-shm-usage', main] : [main];
  let app: ElectronApplication;
  try {
    app = await electron.launch({ executablePath, args, cwd: PROJECT_ROOT, env });
  } catch (error) {
    const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
    const hint = noDisplay ? '\nNo DISPLAY is set: run the electron project under `xvfb-run -a`.' : '';
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`Electron did not start: ${error instanceof Error ? error.message : String(error)}${hint}`, {
      cause: error,
    });
  }
  let log = '';
  app.process().stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const close = async () => {
    if (log) await test.info().attach('main-process-stderr', { body: log, contentType: 'text/plain' });
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let page: Page;
  try {
    page = await app.firstWindow();
    await page.locator('[data-app-ready="true"]').waitFor({ state: 'attached' });
  } catch (error) {
    // The spec never gets the app to close: its log goes with the failure, and nothing is left behind.
    await close();
    throw error;
  }
  return {
    app,
    page,
    log: () => log,
    invoke: (command, request) =>
      page.evaluate(([c, r]) => (globalThis as unknown as Bridge).traindeck.invoke(c, r), [command, request] as const),
    close,
  };
}
