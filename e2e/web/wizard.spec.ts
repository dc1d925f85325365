import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, type Page, test } from '@playwright/test';

import { generateKey } from '../services/sshd';
import { expectAccessible } from './axe';
import { atStep, collectProblems, field, next, openApp, screenshot, shotEveryWay, useWebHost } from './support';

/**
 * The launch wizard against the in-memory AWS account: profiles from a test ~/.aws/config
 * (names only), identity and the SSO hint, validation messages next to their fields, Back and
 * Next keeping input, the SSE-C key (fingerprint only), live preflight, templates, JSON export,
 * and Launch enabled only once preflight passes.
 */
// Under a shared machine's load the whole walk through takes over a minute.
test.describe.configure({ timeout: 180_000 });

const home = mkdtempSync(join(tmpdir(), 'traindeck-wizard-'));
writeFileSync(
  join(home, 'config'),
  '[default]\nregion = eu-west-1\n\n[profile ml-research]\nregion = eu-west-1\n\n[profile expired-sso]\nsso_session = corp\nregion = eu-west-1\n',
);
const keyPath = join(home, 'keys', 'resnet.key');
// A real OpenSSH private key: the wizard checks that the deploy key is one (not its .pub).
const deployKey = generateKey(home, 'resnet_deploy_key').privateKeyFile;
const override = join(home, 'local.yaml');
writeFileSync(override, 'batch_size: 64\n');
const host = useWebHost(
  {
    TRAINDECK_FAKE_AWS: '1',
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    // The wizard's data folder is "~/data"; the host reads and writes only in this test's home.
    HOME: home,
  },
  ['--allow-dir', home],
);

const shot = screenshot;
const error = (page: Page, key: string) => page.getByTestId(`error-${key}`);

test('the wizard validates each step next to its fields, keeps input on Back, saves, exports and guards Launch', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url, 'Launch');
  await page.getByTestId('start-wizard').click();

  // Account: profile names from ~/.aws, identity, and the SSO hint for an expired session.
  const profile = field(page, 'aws.profile').getByRole('combobox');
  await expect(profile.locator('option')).toHaveText([
    'Default credential chain (default)',
    'default',
    'expired-sso',
    'ml-research',
  ]);
  await expect(page.getByTestId('identity')).toContainText('123456789012');
  await profile.selectOption('expired-sso');
  await expect(page.getByTestId('identity')).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('identity')).toContainText('aws sso login --profile expired-sso');
  await expectAccessible(page, 'wizard: account');
  await shot(page, 'wizard-account-sso');
  await profile.selectOption('ml-research');
  await expect(page.getByTestId('identity')).toContainText('arn:aws:iam::123456789012:user/ana');
  await field(page, 'name').getByRole('textbox').fill('resnet50 baseline');
  await next(page);
  await expect(error(page, 'name')).toContainText('letters, digits');
  await field(page, 'name').getByRole('textbox').fill('resnet50-baseline');
  await shot(page, 'wizard-account');
  // Enter in a field is Next.
  await field(page, 'name').getByRole('textbox').press('Enter');

  // Compute: the picker, a missing TTL and a too-small disk, each under its field.
  await atStep(page, 'compute');
  await expect(page.getByTestId('type-g5.xlarge')).toContainText('offered');
  await expect(page.getByTestId('type-g5.xlarge')).toContainText('NVIDIA A10G');
  await page.getByTestId('type-g6.xlarge').click();
  await field(page, 'compute.diskGb').getByRole('textbox').fill('12');
  await next(page);
  await atStep(page, 'compute');
  await expect(error(page, 'compute.ttlMinutes')).toContainText('Required: the hard limit');
  await expect(error(page, 'compute.diskGb')).toContainText('At least 20');
  await expect(page.getByTestId('wizard-status')).toContainText('2 fields need attention');
  await expectAccessible(page, 'wizard: compute with errors');
  await shot(page, 'wizard-compute-errors');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'wizard-compute-errors-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await field(page, 'compute.diskGb').getByRole('textbox').fill('150');
  await field(page, 'compute.ttlMinutes').getByRole('textbox').fill('240');
  await expect(error(page, 'compute.ttlMinutes')).toBeHidden();
  await next(page);

  // Code: a deploy key is required for ssh, and an override may not leave the repo.
  await atStep(page, 'code');
  await field(page, 'code.repoUrl').getByRole('textbox').fill('git@github.com:acme/resnet.git');
  await page.getByRole('button', { name: 'Add override file' }).click();
  await page.getByRole('textbox', { name: 'Local file of override 1' }).fill(join(home, 'missing.yaml'));
  await page.getByRole('textbox', { name: 'Target path of override 1' }).fill('../../etc/cron.d/x');
  await next(page);
  await expect(error(page, 'code.deployKeyFile')).toContainText('Required for an ssh repository URL');
  await expect(error(page, 'code.overrides.0.target')).toContainText('must stay inside the repo');
  await expectAccessible(page, 'wizard: code with errors');
  await shotEveryWay(page, 'wizard-code-errors');
  await field(page, 'code.deployKeyFile').getByRole('textbox').fill(deployKey);
  await page.getByRole('textbox', { name: 'Target path of override 1' }).fill('configs/local.yaml');
  await next(page);

  // Data: a bad bucket name and a missing key; then a generated key shows its fingerprint only.
  await atStep(page, 'data');
  await field(page, 'storage.bucket').getByRole('textbox').fill('Bad_Bucket');
  await page.getByRole('textbox', { name: 'Name of folder 4' }).fill('Check Points');
  await next(page);
  await expect(error(page, 'storage.bucket')).toContainText('lowercase letters');
  await expect(error(page, 'storage.key')).toContainText('Generate the key');
  await expect(error(page, 'storage.folders.3.name')).toContainText('lowercase letters');
  await shotEveryWay(page, 'wizard-data-errors');
  await page.getByRole('textbox', { name: 'Name of folder 4' }).fill('checkpoints');
  // A bucket whose policy refuses SSE-C: the schema accepts it, preflight will not.
  await field(page, 'storage.bucket').getByRole('textbox').fill('acme-shared');
  await field(page, 'storage.prefix').getByRole('textbox').fill('projects/resnet');
  await field(page, 'storage.key').getByRole('textbox').fill(keyPath);
  await page.getByTestId('key-prepare').click();
  await expect(page.getByTestId('key-fingerprint')).toContainText(/sha256:[0-9a-f]{16}/);
  await expect(page.getByTestId('key-panel')).toContainText('Losing this key loses the data');
  // The browser host has no OS keychain: the key is a plain 0600 file, and the panel says so.
  await expect(page.getByTestId('key-storage')).toHaveAttribute('data-storage', 'file');
  await expect(page.getByTestId('key-storage')).toContainText('Stored as a key file (mode 0600)');
  await expect(page.getByTestId('key-seal')).toHaveCount(0);
  // Export key: a plain 0600 copy of the same key, at a path the user types.
  const backup = join(home, 'backup', 'resnet.key');
  await field(page, 'key.backup').getByRole('textbox').fill(backup);
  await page.getByTestId('key-export').click();
  await expect(page.getByTestId('key-exported')).toContainText(backup);
  expect(statSync(backup).mode & 0o777).toBe(0o600);
  expect(readFileSync(backup).equals(readFileSync(keyPath))).toBe(true);
  await expectAccessible(page, 'wizard: data');
  await shotEveryWay(page, 'wizard-data');
  // A second export to the same file is refused: a key file is never overwritten.
  await page.getByTestId('key-export').click();
  await expect(page.getByTestId('key-backup')).toContainText('never overwrites a key');
  await next(page);

  // Training: the command is required; env vars are rows, added and removed from the keyboard.
  await atStep(page, 'training');
  await next(page);
  await expect(error(page, 'training.command')).toContainText('Required: give the command');
  await field(page, 'training.command').getByRole('textbox').fill('python train.py --epochs 30');
  const addVariable = page.getByRole('button', { name: 'Add variable' });
  await addVariable.click();
  await expect(page.getByRole('textbox', { name: 'Name of variable 1' })).toBeFocused();
  await page.keyboard.type('2FAST');
  await expect(error(page, 'training.env.0.name')).toContainText('not starting with a digit');
  await addVariable.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Name of variable 2' })).toBeFocused();
  await page.keyboard.type('WANDB_MODE');
  await page.getByRole('textbox', { name: 'Value of WANDB_MODE' }).fill('offline');
  // A secret variable is a name and a file on this computer; a lower-case name is said under its cell.
  await page.getByRole('button', { name: 'Add secret variable' }).click();
  await page.getByRole('textbox', { name: 'Name of secret variable 1' }).fill('wandb_api_key');
  await expect(error(page, 'training.secretEnv.0.name')).toContainText('is not a usable name: use upper-case');
  await page.getByRole('textbox', { name: 'File of wandb_api_key' }).fill('~/.wandb-key');
  await expectAccessible(page, 'wizard: training');
  await shotEveryWay(page, 'wizard-training-errors');
  await page.getByRole('button', { name: 'Remove secret variable wandb_api_key' }).click();
  // Removing a row focuses the remove button of the row that moves up; removing the last one, Add.
  await page.getByRole('button', { name: 'Remove variable 2FAST' }).click();
  await expect(page.getByRole('button', { name: 'Remove variable WANDB_MODE' })).toBeFocused();
  await expect(page.getByRole('textbox', { name: 'Value of WANDB_MODE' })).toHaveValue('offline');
  await addVariable.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Name of variable 2' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('textbox', { name: 'Value of variable 2' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Remove variable 2' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(addVariable).toBeFocused();
  await expect(page.getByTestId('env').getByRole('row')).toHaveCount(2);
  await next(page);

  // Review: a failing preflight check keeps Launch disabled and says how to fix it.
  await atStep(page, 'review');
  await expect(page.getByTestId('preflight')).toHaveAttribute('data-state', 'fail', { timeout: 20_000 });
  await expect(page.getByTestId('preflight-sse-c')).toHaveAttribute('data-status', 'fail');
  // Local files are checked too: the deploy key exists, the override source does not.
  await expect(page.getByTestId('preflight-file-0')).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('preflight-file-1')).toContainText('no such file');
  await expect(page.getByTestId('launch')).toBeDisabled();
  await expectAccessible(page, 'wizard: review with a failed check');
  await shot(page, 'wizard-review-fail');
  await page.getByTestId('step-code').click();
  await page.getByRole('textbox', { name: 'Local file of override 1' }).fill(override);
  await page.getByTestId('step-data').click();
  await field(page, 'storage.bucket').getByRole('textbox').fill('acme-ml-data');
  await page.getByTestId('step-review').click();

  // Live preflight again, what will be created, the cost; Launch once every check passed.
  await expect(page.getByTestId('preflight')).toHaveAttribute('data-state', 'pass', { timeout: 20_000 });
  await expect(page.getByTestId('preflight-identity')).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('preflight-instance-type')).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('will-create')).toContainText('s3://acme-ml-data/projects/resnet/*');
  await expect(page.getByTestId('cost-ttl')).toHaveText(/^\$\d+\.\d\d$/);
  await expect(page.getByTestId('launch')).toBeEnabled();
  await expectAccessible(page, 'wizard: review');
  await shotEveryWay(page, 'wizard-review');

  // Back through the stepper keeps every input.
  await page.getByTestId('step-compute').click();
  await expect(field(page, 'compute.ttlMinutes').getByRole('textbox')).toHaveValue('240');
  await expect(page.getByTestId('type-g6.xlarge').getByRole('radio')).toBeChecked();
  await page.getByTestId('wizard-back').click();
  await expect(field(page, 'aws.profile').getByRole('combobox')).toHaveValue('ml-research');
  await page.getByTestId('step-code').click();
  await expect(page.getByRole('textbox', { name: 'Target path of override 1' })).toHaveValue('configs/local.yaml');
  await page.getByTestId('step-review').click();

  // Template, export, and Launch without a run pipeline.
  await page.getByTestId('template-name').fill('resnet nightly');
  await page.getByTestId('template-save').click();
  await expect(page.getByTestId('template-saved')).toContainText('resnet nightly');
  await page.getByTestId('export-json').click();
  await expect(page.getByTestId('exported')).toContainText('resnet50-baseline.json');
  const json = JSON.parse(await page.getByTestId('exported-json').innerText()) as {
    compute: { ttlMinutes: number; instanceType: string };
    storage: { sseKeyFile: string };
  };
  expect(json.compute).toMatchObject({ ttlMinutes: 240, instanceType: 'g6.xlarge' });
  expect(json.storage.sseKeyFile).toBe(keyPath);
  // Launch itself is not clicked here: the run pipeline provisions through its own (real) AWS world.
  await shot(page, 'wizard-review-actions');

  // The template reopens the finished wizard at Review, preflight and all.
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('template-resnet nightly')).toContainText('g6.xlarge');
  // The start page asks who the default credentials are again (the wizard asked for its own profile):
  // judge it once answered, as a user reads it, not mid-fade from "Checking your AWS account…".
  await expect(page.getByTestId('start-wizard')).toBeEnabled();
  await expectAccessible(page, 'launch start with a template');
  await shot(page, 'launch-templates');
  await page.getByRole('button', { name: 'Open template resnet nightly' }).click();
  await atStep(page, 'review');
  await expect(page.getByTestId('preflight')).toHaveAttribute('data-state', 'pass', { timeout: 20_000 });
  await page.getByTestId('step-data').click();
  await expect(page.getByTestId('key-fingerprint')).toContainText('sha256:');
  await expect(page.getByTestId('key-storage')).toContainText('Stored as a key file (mode 0600)');

  expect(problems).toEqual([]);
});
