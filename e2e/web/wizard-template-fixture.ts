import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect, type Page } from '@playwright/test';

import { DEFAULT_SYNC_FOLDERS, type RunConfig, runConfigSchema } from '../../shared/run-config/schema';
import { atStep, invokeOnHost } from './support';

/**
 * A finished wizard as a saved template, for the specs that check one step's fields without
 * clicking through the whole wizard: a run on the demo account (g5.xlarge in eu-west-1, bucket
 * acme-ml-data) whose key file lies in the demo host's home (the host reads files there only).
 */
export function demoRunConfig(home: string, change: (config: RunConfig) => void = () => {}): RunConfig {
  const keyFile = join(home, 'keys', 'demo.key');
  mkdirSync(join(home, 'keys'), { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  const config: RunConfig = {
    version: 1,
    name: 'demo-run',
    aws: { region: 'eu-west-1' },
    storage: {
      bucket: 'acme-ml-data',
      prefix: 'runs/demo-run',
      sseKeyFile: keyFile,
      localRoot: join(home, 'data'),
      folders: DEFAULT_SYNC_FOLDERS,
    },
    compute: { instanceType: 'g5.xlarge', market: 'on-demand', diskGb: 100, ttlMinutes: 240, shutdownAfterPush: true },
    code: { repoUrl: 'https://github.com/acme/resnet.git', branch: 'main', overrides: [] },
    // The rest of the section (grace, time limit, disk reserve…) is the schema's defaults.
    training: runConfigSchema.shape.training.parse({ command: 'python train.py' }),
  };
  change(config);
  return config;
}

/**
 * Saves `config` as the template `name` through the host's command socket (as Review's Save does),
 * replacing one of that name: the specs of a file share a host, and each sets up its own templates.
 */
export async function saveTemplate(page: Page, token: string, name: string, config: RunConfig): Promise<void> {
  expect(await invokeOnHost(page, token, 'templates.save', { name, config, replace: true })).toMatchObject({
    ok: true,
  });
}

/** Opens the template `name` from the Launch page: the wizard shows it at Review. */
export async function openTemplate(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: `Open template ${name}` }).click();
  await atStep(page, 'review');
}

/**
 * Waits until Review's preflight has answered: Launch is enabled (or not) then, and its button's
 * colour fade must be over before axe judges the contrast.
 */
export async function preflightAnswered(page: Page): Promise<void> {
  await expect(page.getByTestId('preflight')).toHaveAttribute('data-state', /^(pass|fail)$/, { timeout: 30_000 });
}
