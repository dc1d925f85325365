import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { expect, test } from '@playwright/test';

import { PARQUET_BYTES, TRAIN_SH } from '../../main/runs/pipeline/testing/training-repo';
import { SseKey } from '../../main/sync/sse-key';
import { createGitRemote, deployKeyLine, type GitRemote } from '../services/git-remote';
import { type S3Cluster, startS3Cluster } from '../services/s3-cluster';
import { generateKey, type Sshd, startSshd } from '../services/sshd';
import { expectAccessible } from './axe';
import { atStep, collectProblems, field, next, openApp, screenshot, useWebHost } from './support';

/**
 * The whole product path a user clicks through, against real parts: the wizard launches a run
 * on "my machine over SSH" (a real sshd on 127.0.0.1), which checks out the tiny training repo
 * over SSH with a deploy key, pulls its dataset from a real Ceph RGW (SSE-C), trains, pushes,
 * and verifies; the monitor shows progress and the log; a toast says training finished; the
 * finished run shows its outcome and its report, saved as files. Only STS (the identity line) is the in-memory account:
 * nothing here serves it.
 */
test.describe.configure({ timeout: 240_000 });

const PREFIX = 'runs/e2e';
let dir: string;
let s3: S3Cluster;
let client: S3Client;
let sshd: Sshd;
let remote: GitRemote;
let bucket: string;
const files = { userKey: '', deployKey: '', sseKey: '', override: '' };
// Filled before the host starts (useWebHost reads it in its own beforeAll, registered after this one).
const hostEnv: NodeJS.ProcessEnv = { TRAINDECK_FAKE_AWS: '1' };
// The host reads the run's files only in this folder and reaches only this sshd (no terminal to ask on).
const hostArgs: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dir = mkdtempSync(join(tmpdir(), 'traindeck-wizard-run-'));
  s3 = startS3Cluster();
  // RGW settings from ../services/README.md: path-style, and no aws-chunked checksum trailers.
  client = new S3Client({
    region: s3.env.region,
    endpoint: s3.env.endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: s3.env.accessKeyId, secretAccessKey: s3.env.secretAccessKey },
  });
  bucket = `td-e2e-${randomBytes(4).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  mkdirSync(join(dir, 'keys'), { mode: 0o700 });
  const keyBytes = randomBytes(32);
  files.sseKey = join(dir, 'keys', 'e2e.key');
  writeFileSync(files.sseKey, keyBytes, { mode: 0o600 });
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: `${PREFIX}/cached-datasets/train.parquet`,
      Body: PARQUET_BYTES,
      Metadata: {
        'traindeck-sha256': createHash('sha256').update(PARQUET_BYTES).digest('hex'),
        'traindeck-mtime-ms': String(Date.now()),
      },
      ...new SseKey(keyBytes).params(),
    }),
  );
  const user = generateKey(dir, 'user_key');
  const deploy = generateKey(dir, 'deploy_key');
  files.userKey = user.privateKeyFile;
  files.deployKey = deploy.privateKeyFile;
  files.override = join(dir, 'override.txt');
  writeFileSync(files.override, 'lr=0.05\n');
  sshd = await startSshd({ authorizedKeys: [user.publicKey, deployKeyLine(deploy.publicKey)].join('\n') });
  remote = createGitRemote({ 'train.sh': { executable: TRAIN_SH }, 'README.md': 'tiny training repo\n' });
  writeFileSync(join(dir, 'aws-config'), `[default]\nregion = ${s3.env.region}\n`);
  Object.assign(hostEnv, {
    AWS_ENDPOINT_URL_S3: s3.env.endpoint,
    AWS_ACCESS_KEY_ID: s3.env.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.env.secretAccessKey,
    AWS_REGION: s3.env.region,
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    TRAINDECK_SSH_WORK_ROOT: join(dir, 'remote-work'),
    // The wizard's data folder is "~/data": home is the test folder, which the host may use.
    HOME: dir,
  });
  hostArgs.push('--allow-dir', dir, '--allow-host', `${sshd.user}@127.0.0.1:${sshd.port}`, '--allow-store-credentials');
});

const host = useWebHost(hostEnv, hostArgs);

test.afterAll(async () => {
  await sshd?.stop();
  remote?.remove();
  s3?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('launch from the wizard on my machine over SSH → monitor with progress and log → finished toast → outcome, data in S3', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url, 'Launch');
  await page.getByTestId('start-wizard').click();

  // Account: the test's profile and region (the bucket's region); identity from the in-memory STS.
  await atStep(page, 'account');
  await field(page, 'aws.region').getByRole('combobox').selectOption(s3.env.region);
  await field(page, 'name').getByRole('textbox').fill('tiny-ssh');
  await next(page);

  // Compute: my machine over SSH, with the fields it needs; a wrong address is caught on the spot.
  await atStep(page, 'compute');
  await page.locator('label', { hasText: 'My machine over SSH' }).click();
  await expect(page.getByRole('radio', { name: 'My machine over SSH' })).toBeChecked();
  await field(page, 'sshHost.address').getByRole('textbox').fill('127.0.0.1');
  await next(page);
  await expect(page.getByTestId('error-sshHost.address')).toContainText('user@host');
  await field(page, 'sshHost.address').getByRole('textbox').fill(`${sshd.user}@127.0.0.1:${sshd.port}`);
  await field(page, 'sshHost.identityFile').getByRole('textbox').fill(files.userKey);
  await field(page, 'compute.ttlMinutes').getByRole('textbox').fill('30');
  await expectAccessible(page, 'wizard: compute on an ssh host');
  await screenshot(page, 'wizard-ssh-compute');
  await next(page);

  // Code: the repo over SSH with its deploy key and the server's host key, one override file.
  await atStep(page, 'code');
  await field(page, 'code.repoUrl')
    .getByRole('textbox')
    .fill(`ssh://${sshd.user}@127.0.0.1:${sshd.port}${remote.bareDir}`);
  await field(page, 'code.deployKeyFile').getByRole('textbox').fill(files.deployKey);
  await field(page, 'code.knownHosts').getByRole('textbox').fill(sshd.knownHostsLine);
  await page.getByRole('button', { name: 'Add override file' }).click();
  await page.getByRole('textbox', { name: 'Local file of override 1' }).fill(files.override);
  await page.getByRole('textbox', { name: 'Target path of override 1' }).fill('config/override.txt');
  await next(page);

  // Data: the bucket, a prefix, and the existing key file (fingerprint only).
  await atStep(page, 'data');
  await field(page, 'storage.bucket').getByRole('textbox').fill(bucket);
  await field(page, 'storage.prefix').getByRole('textbox').fill(PREFIX);
  await page.locator('label', { hasText: 'Use an existing key file' }).click();
  await field(page, 'storage.key').getByRole('textbox').fill(files.sseKey);
  await page.getByTestId('key-prepare').click();
  await expect(page.getByTestId('key-fingerprint')).toContainText(/sha256:[0-9a-f]{16}/);
  await next(page);

  // Training: the repo's script, slowed down enough for the monitor to see it train.
  await atStep(page, 'training');
  await field(page, 'training.command').getByRole('textbox').fill('./train.sh');
  for (const [index, [name, value]] of (
    [
      ['EPOCHS', '3'],
      ['LINES_PER_EPOCH', '8'],
      ['STEP_SLEEP', '0.4'],
    ] as const
  ).entries()) {
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByRole('textbox', { name: `Name of variable ${index + 1}` }).fill(name);
    await page.getByRole('textbox', { name: `Value of ${name}` }).fill(value);
  }
  await next(page);

  // Review: live preflight against the real bucket and machine; nothing is created in AWS.
  await atStep(page, 'review');
  await expect(page.getByTestId('preflight')).toHaveAttribute('data-state', 'pass', { timeout: 30_000 });
  await expect(page.getByTestId('preflight-ssh')).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('preflight-sse-c')).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('preflight-host-key')).toContainText(sshd.hostKeyFingerprint);
  await expect(page.getByTestId('will-create')).toContainText('nothing: no instance');
  await expect(page.getByTestId('cost-estimate')).toContainText('$0.00/h');
  await expectAccessible(page, 'wizard: review of an ssh-host run');
  await screenshot(page, 'wizard-ssh-review');
  await page.getByTestId('launch').click();

  // The monitor: the run on the machine, phases moving, progress and the training log.
  const monitor = page.getByTestId('run-monitor');
  await expect(monitor).toBeVisible();
  await expect(monitor).toContainText(`ssh-host · ${sshd.user}@127.0.0.1:${sshd.port}`);
  await expect(page.getByTestId('phase-training')).toHaveAttribute('data-status', 'running', { timeout: 90_000 });
  await expect(page.getByTestId('phase-pulling')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('log-tail')).toContainText('override: lr=0.05', { timeout: 30_000 });
  await expect(page.getByTestId('log-tail')).toContainText(/line \d+ epoch \d step \d loss/);
  // The monitor follows the machine over the run's SSH connection: health samples, progress from the log.
  await expect(page.getByTestId('chart-cpu').locator('svg.recharts-surface')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('Monitoring unavailable')).toHaveCount(0);
  await expect(page.getByTestId('run-stats')).toContainText('$0.00/h');
  // Nothing to tear down on a machine of the user's.
  await expect(page.getByTestId('teardown')).toHaveCount(0);
  await screenshot(page, 'run-ssh-training');

  // The end: the toast, every phase done, the outcome.
  await expect(page.getByTestId('toast').getByText('Training finished')).toBeVisible({ timeout: 90_000 });
  await expect(monitor).toHaveAttribute('data-state', 'succeeded', { timeout: 90_000 });
  for (const phase of ['checkout', 'pulling', 'verifying', 'training', 'pushing', 'verifying-sync']) {
    await expect(page.getByTestId(`phase-${phase}`)).toHaveAttribute('data-status', 'succeeded');
  }
  await expect(page.getByTestId('log-tail')).toContainText('training finished');
  await expect(page.getByTestId('chart-metric.loss')).toContainText('loss');
  await expect(page.getByTestId('chart-metric.loss')).not.toContainText('metric.');
  // The last read at the end shows the final step and loss (training ended between two samples).
  await expect(page.getByTestId('run-stats')).toContainText('24');
  await expect(page.getByTestId('run-stats')).toContainText('0.9760');
  await expect(page.getByTestId('sync-status')).toContainText('Passed: 2 verified');
  // The report: outcome, $0 compute on the user's machine, nothing created in AWS; saved as files.
  await expect(page.getByTestId('report-summary')).toContainText('Succeeded');
  await expect(page.getByTestId('report-summary')).toContainText('$0.00');
  await page.getByTestId('save-report').click();
  await expect(page.getByTestId('report-saved')).toContainText('report.html');
  await expectAccessible(page, 'run monitor: finished ssh-host run');
  await screenshot(page, 'run-ssh-finished');

  // What the run promised is in S3: the log and the model, encrypted with the key.
  const keys = ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: PREFIX }))).Contents ?? []).map(
    (o) => o.Key,
  );
  expect(keys).toEqual(
    expect.arrayContaining([
      expect.stringMatching(new RegExp(`^${PREFIX}/logs/[a-z0-9-]+/train\\.log$`)), // the run's own logs folder
      `${PREFIX}/models/model.pkl`,
      `${PREFIX}/checkpoints/epoch-3.ckpt`,
    ]),
  );
  const model = await client.send(
    new GetObjectCommand({
      Bucket: bucket,
      Key: `${PREFIX}/models/model.pkl`,
      ...new SseKey(readFileSync(files.sseKey)).params(),
    }),
  );
  expect(await model.Body?.transformToString()).toBe('pickled-model-24');
  expect(problems).toEqual([]);
});
