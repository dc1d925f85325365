import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect, type Page, test } from '@playwright/test';

import { generateKey } from '../services/sshd';
import { atStep, collectProblems, field, next, openApp, shotAccessibleAtWidths, useDemoHost } from './support';

/**
 * #15 point 9, "paths on blur", through the browser host in demo mode: each wizard field that names
 * a file on this computer is checked by main (config.checkFiles, the host's folder allowlist) as it
 * loses focus, and the answer is said at the field in plain words with its fix: a folder, a public
 * key, a file outside the folders the host may read (how to allow it), a missing file, a key or
 * secret others can read (a warning). Focus lands on the step heading from the first step on.
 */
test.describe.configure({ timeout: 240_000 });

const { home, host } = useDemoHost('file-fields');
const deploy = generateKey(home, 'deploy_key');
mkdirSync(join(home, 'keys'));
const sseKey = join(home, 'keys', 'shared.key');
writeFileSync(sseKey, Buffer.alloc(32, 7));
chmodSync(sseKey, 0o644);
const wandb = join(home, 'wandb-key');
writeFileSync(wandb, 'secret-token\n');
chmodSync(wandb, 0o644);

const error = (page: Page, key: string) => page.getByTestId(`error-${key}`);
const warning = (page: Page, key: string) => page.getByTestId(`warning-${key}`);

/** Types `value` into the field's control and leaves it with Tab (the blur that asks main). */
async function typeAndLeave(page: Page, key: string, value: string) {
  const control = field(page, key).getByRole('textbox');
  await control.fill(value);
  await control.press('Tab');
}

test('file fields are checked through main when they lose focus, and the answer is said at the field', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url);
  await page.getByTestId('start-wizard').click();

  // The first step's heading takes the focus as the wizard opens, like every later step's.
  await atStep(page, 'account');
  await expect(page.locator('#wizard-step-title')).toBeFocused();
  await field(page, 'name').getByRole('textbox').fill('file-fields');
  await next(page);
  await atStep(page, 'compute');
  await field(page, 'compute.ttlMinutes').getByRole('textbox').fill('60');
  await next(page);

  await atStep(page, 'code');
  await expect(page.locator('#wizard-step-title')).toBeFocused();
  // #15 point 14: one short sentence under a field, the rest behind Details (closed until asked).
  const knownHosts = field(page, 'code.knownHosts');
  await expect(knownHosts.locator('.field__hint')).toHaveText(
    'Not needed for github.com: its published keys are built in.',
  );
  await expect(knownHosts.getByText('ssh-keyscan -p PORT HOST')).toBeHidden();
  await knownHosts.getByText('Details').click();
  await expect(knownHosts.getByText('ssh-keyscan -p PORT HOST', { exact: false })).toBeVisible();
  await field(page, 'code.repoUrl').getByRole('textbox').fill('git@github.com:acme/resnet.git');
  await typeAndLeave(page, 'code.deployKeyFile', join(home, 'keys'));
  await expect(error(page, 'code.deployKeyFile')).toHaveText(
    `This is a folder: type the path of the deploy key inside it, e.g. ${join(home, 'keys')}/resnet_deploy_key.`,
  );
  await typeAndLeave(page, 'code.deployKeyFile', `${deploy.privateKeyFile}.pub`);
  await expect(error(page, 'code.deployKeyFile')).toHaveText(
    'This file is a public key: choose the private key file (the same name without .pub).',
  );
  // Outside the folders the host may read: not looked at, and how to allow it.
  await typeAndLeave(page, 'code.deployKeyFile', '/etc/ssh/ssh_host_ed25519_key');
  await expect(error(page, 'code.deployKeyFile')).toContainText(
    'Not checked: TrainDeck may not read this deploy key yet.',
  );
  await expect(error(page, 'code.deployKeyFile')).toContainText('--allow-dir');
  await typeAndLeave(page, 'code.deployKeyFile', join(home, 'no_such_key'));
  await expect(error(page, 'code.deployKeyFile')).toContainText('No file at this path');
  // Typing again hides the old answer at once; the private key is fine.
  await field(page, 'code.deployKeyFile').getByRole('textbox').fill(deploy.privateKeyFile);
  await expect(error(page, 'code.deployKeyFile')).toHaveCount(0);
  await field(page, 'code.deployKeyFile').getByRole('textbox').press('Tab');
  await page.getByRole('button', { name: 'Add override file' }).click();
  const source = page.getByRole('textbox', { name: 'Local file of override 1' });
  await source.fill('local.yaml');
  await source.press('Tab');
  await expect(error(page, 'code.overrides.0.source')).toContainText('Give the full path: start it with / or ~/');
  await source.fill(join(home, 'local.yaml'));
  await source.press('Tab');
  await expect(error(page, 'code.overrides.0.source')).toContainText('remove the row with its × button');
  await expect(error(page, 'code.deployKeyFile')).toHaveCount(0);
  await shotAccessibleAtWidths(page, 'wizard-file-fields-code');
  await page.getByRole('button', { name: 'Remove override 1' }).click();
  await next(page);

  // Data: an imported SSE-C key that others may read is usable, with a warning and its fix.
  await atStep(page, 'data');
  await page.locator('label', { hasText: 'Use an existing key file' }).click();
  await typeAndLeave(page, 'storage.key', sseKey);
  await expect(warning(page, 'storage.key')).toHaveText(
    `Other users of this computer can read this key file (mode 0644): make it private with chmod 600 ${sseKey} in a terminal.`,
  );
  await expect(error(page, 'storage.key')).toHaveCount(0);
  await page.getByTestId('key-prepare').click();
  await expect(page.getByTestId('key-fingerprint')).toContainText('sha256:');
  await field(page, 'storage.bucket').getByRole('textbox').fill('acme-ml-data');
  await field(page, 'storage.prefix').getByRole('textbox').fill('runs/file-fields');
  await next(page);

  // Training: a secret variable's file, the same way.
  await atStep(page, 'training');
  await expect(page.getByText('given to the training only', { exact: false })).toBeHidden();
  await page.getByText('Where the value goes').click();
  await expect(page.getByText('given to the training only', { exact: false })).toBeVisible();
  await page.getByRole('button', { name: 'Add secret variable' }).click();
  await page.getByRole('textbox', { name: 'Name of secret variable 1' }).fill('WANDB_API_KEY');
  const file = page.getByRole('textbox', { name: 'File of WANDB_API_KEY' });
  await file.fill(wandb);
  await file.press('Tab');
  await expect(warning(page, 'training.secretEnv.0.file')).toContainText('(mode 0644): make it private with chmod 600');
  await shotAccessibleAtWidths(page, 'wizard-file-fields-training');
  chmodSync(wandb, 0o600);
  // Fixed on disk: the next blur asks again and the warning goes.
  await file.focus();
  await file.press('Tab');
  await expect(warning(page, 'training.secretEnv.0.file')).toHaveCount(0);
  expect(problems).toEqual([]);
});
