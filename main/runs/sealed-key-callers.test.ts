import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { type RunConfig, runConfigSchema } from '../../shared/run-config/schema';
import { runCli } from '../cli/cli';
import { localChecks } from '../lifecycle/preflight/local-checks';
import { openSync } from '../sync/open-sync';
import { sealKey } from '../sync/sealed-key';
import { keyFingerprint } from '../sync/sse-key';
import { fakeKeyVault } from '../sync/testing/fake-key-vault';
import { prepareRun } from './pipeline/prepare-run';

/**
 * Every place that needs the SSE-C key (run preparation, the sync engine, preflight, the CLI)
 * opens a sealed key file through the vault it is given, and says how to export one without it.
 */
let dir: string;
let config: RunConfig;
const key = randomBytes(32);
const vault = fakeKeyVault();
const env = {
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-sealed-callers-'));
  await writeFile(join(dir, 'sealed.key'), await sealKey(key, vault), { mode: 0o600 });
  await writeFile(join(dir, 'deploy_key'), 'not a real key\n');
  config = runConfigSchema.parse({
    version: 1,
    aws: { region: 'eu-west-1' },
    storage: {
      bucket: 'td-data',
      prefix: 'p',
      sseKeyFile: join(dir, 'sealed.key'),
      localRoot: join(dir, 'data'),
      folders: [{ name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' }],
    },
    code: { repoUrl: 'git@github.com:acme/resnet.git', branch: 'main', deployKeyFile: join(dir, 'deploy_key') },
    training: { command: 'python train.py' },
  });
});

describe('a sealed key at every caller', () => {
  it('prepareRun sends the raw key (over SSH stdin) when given the vault', async () => {
    const prepared = await prepareRun('run-1', config, dir, vault);
    expect(prepared.keyFingerprint).toBe(keyFingerprint(key));
    expect(prepared.secrets.sseKey).toBe(key.toString('base64'));
    expect(JSON.stringify(prepared.spec)).not.toContain(key.toString('base64'));
  });

  it('prepareRun without a vault fails before any machine, saying to export the key', async () => {
    await expect(prepareRun('run-1', config, dir)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      fix: expect.stringContaining('Export key'),
    });
  });

  it('openSync opens it with the vault', async () => {
    const opened = await openSync({ config, baseDir: dir }, { env, keyVault: vault });
    expect(opened.key.fingerprint).toBe(keyFingerprint(key));
  });

  it('preflight passes the key check with the vault and fails it, with the fix, without', async () => {
    expect((await localChecks(config, env, vault)).checks.find((c) => c.id === 'sse-key')).toMatchObject({
      status: 'pass',
    });
    expect((await localChecks(config, env)).checks.find((c) => c.id === 'sse-key')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('Export key'),
    });
  });

  it('the CLI refuses it in one line with the fix, and never prints the key', async () => {
    let out = '';
    let err = '';
    const code = await runCli(['key', 'fingerprint', join(dir, 'sealed.key')], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      env: { TRAINDECK_DATA_DIR: join(dir, 'td') },
      projectRoot: process.cwd(),
    });
    expect(code).not.toBe(0);
    expect(out).toBe('');
    expect(err).toContain("is sealed with the desktop app's OS keychain");
    expect(err).toContain('Export it from the app (Export key');
    expect(err).toContain('to use it with the CLI');
    expect(err).not.toContain(key.toString('base64'));
  });
});
