/**
 * training.secretEnv end to end, on a real sshd (ssh-host backend) and on this computer (local
 * backend, whose executor inherits the desktop's environment): the training sees its secret env
 * and none of the other steps' secrets (S3 credentials, SSE-C key, deploy key), and no value
 * lands in spec.json, train.log, the events, the report or any file of the work folder.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { reportHtml } from '../../../shared/report/report-html';
import { reportMarkdown } from '../../../shared/report/report-markdown';
import { buildRunReport } from '../../../shared/report/run-report';
import { createLocalBackend } from '../backends/local-backend';
import { createRunFixture, listFiles, type RunFixture, type RunRecord } from './testing/run-fixture';

let f: RunFixture;
beforeAll(async () => {
  f = await createRunFixture('secretenv');
}, 120_000);
afterAll(() => f?.cleanup());

/** A run whose training dumps its environment to `dump` (outside the work folder) and prints the token. */
async function runWithSecretEnv(backend: 'ssh-host' | 'local', workRoot: (run: RunRecord) => string) {
  const s3 = inject('s3');
  const token = `wandb-${randomBytes(16).toString('hex')}`;
  const keyFile = join(f.dir, `wandb-${backend}.key`);
  writeFileSync(keyFile, `${token}\n`, { mode: 0o600 });
  const dump = join(f.dir, `training-env-${backend}.txt`);
  const config = f.config((raw) => {
    raw.training.command = `env > ${dump}; echo "logging in with $WANDB_API_KEY"; ./train.sh`;
    raw.training.secretEnv = { WANDB_API_KEY: keyFile };
  });
  const run: RunRecord = await f.run(
    config,
    backend === 'ssh-host'
      ? f.sshHost()
      : createLocalBackend({
          ttlSeconds: 600,
          s3Endpoint: s3.endpoint,
          keep: true,
          // A desktop whose AWS credentials are environment variables: the local executor inherits them.
          tools: {
            env: { ...process.env, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey },
            loginShellPath: async () => undefined,
          },
        }),
  );
  expect(
    run.result.outcome,
    JSON.stringify(run.events.filter((e) => e.type === 'phase' && e.status === 'failed')),
  ).toBe('succeeded');
  const withheld = [
    s3.secretAccessKey,
    f.fx.keyBytes.toString('base64'),
    f.fx.keyBytes.toString('hex'),
    // The deploy key's first line of key material (its PEM armour is not secret).
    readFileSync(f.deployKeyFile, 'utf8').split('\n')[1]!,
  ];
  const envText = readFileSync(dump, 'utf8');
  const env = Object.fromEntries(
    envText.split('\n').map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]),
  );
  expect(env.WANDB_API_KEY).toBe(token);
  for (const secret of withheld) expect(envText.includes(secret)).toBe(false);
  expect(env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
  expect(env).not.toHaveProperty('AWS_ACCESS_KEY_ID');

  // The token went through the training's output redacted, and nowhere else.
  expect(run.trainLines.some((line) => line.endsWith('logging in with «redacted WANDB_API_KEY»'))).toBe(true);
  expect(JSON.stringify(run.events)).not.toContain(token);
  const report = buildRunReport(run.snapshot, { journal: null, generatedAt: new Date().toISOString() });
  expect(reportMarkdown(report)).not.toContain(token);
  expect(reportHtml(report)).not.toContain(token);
  const files = listFiles(workRoot(run));
  const spec = files.find((file) => file.endsWith('spec.json'));
  expect(spec).toBeDefined();
  // Not even the name → path map: the executor learns the names from stdin.
  const specText = readFileSync(spec!, 'utf8');
  expect(specText).not.toContain(keyFile);
  expect(Object.keys((JSON.parse(specText) as { training: object }).training).sort()).toEqual([
    'command',
    'env',
    'graceSeconds',
  ]);
  const trainLog = files.find((file) => file.endsWith(`${run.snapshot.runId}/train.log`));
  expect(readFileSync(trainLog!, 'utf8')).toContain('«redacted WANDB_API_KEY»');
  for (const file of files) expect(readFileSync(file, 'latin1').includes(token), file).toBe(false);
  // The deploy key's RAM folder is gone.
  if (existsSync('/dev/shm')) {
    expect(readdirSync('/dev/shm').filter((name) => name.startsWith(`traindeck-${run.snapshot.runId}-`))).toEqual([]);
  }
  return run;
}

describe('training.secretEnv: the training gets its secrets and only those', () => {
  it('ssh-host (real sshd): env has the token, not the S3 key, SSE-C key or deploy key; nothing on disk, in events or the report', async () => {
    await runWithSecretEnv('ssh-host', () => join(f.dir, 'remote-work'));
  }, 120_000);

  it('local (inherits AWS_* from the desktop): the training still gets no AWS credential', async () => {
    // The bootstrap phase names the temporary work folder of the local run.
    let workDir = '';
    try {
      await runWithSecretEnv('local', (run) => {
        const match = /"workDir":"([^"]*traindeck-local-run-[^"]*)"/.exec(JSON.stringify(run.events));
        expect(match).not.toBeNull();
        return (workDir = match![1]!);
      });
    } finally {
      // Kept for the checks above (keep: true); removed here.
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    }
  }, 120_000);
});
