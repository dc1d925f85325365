import { _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import path from 'node:path';
import { PROJECT_ROOT } from './electron-binary';

/** The built desktop app, started for a spec. */
export interface LaunchedApp {
  app: ElectronApplication;
  page: Page;
  /** Everything main wrote on stderr, for an attachment when a test fails. */
  log: () => string;
}

/**
 * Starts dist/main/main.cjs in Electron with its data under `dataDir` and no view of a real
 * AWS account (no AWS_* variables, no ~/.aws files), and waits for the renderer to be ready.
 */
export async function launchApp(executablePath: string, dataDir: string): Promise<LaunchedApp> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_'))) as Record<string, string>;
  Object.assign(env, {
    TRAINDECK_DATA_DIR: path.join(dataDir, 'data'),
    AWS_CONFIG_FILE: path.join(dataDir, 'aws-config-none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dataDir, 'aws-credentials-none'),
  });
  const main = path.join(PROJECT_ROOT, 'dist', 'main', 'main.cjs');
  // Chromium refuses to start as root without --no-sandbox (CI containers run as root).
  const args = process.getuid?.() === 0 ? ['--no-sandbox', main] : [main];
  let app: ElectronApplication;
  try {
    app = await electron.launch({ executablePath, args, cwd: PROJECT_ROOT, env });
  } catch (error) {
    const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
    const hint = noDisplay ? '\nNo DISPLAY is set: run the electron project under `xvfb-run -a`.' : '';
    throw new Error(`Electron did not start: ${error instanceof Error ? error.message : String(error)}${hint}`, { cause: error });
  }
  let log = '';
  app.process().stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const page = await app.firstWindow();
  await page.locator('[data-app-ready="true"]').waitFor({ state: 'attached' });
  return { app, page, log: () => log };
}
