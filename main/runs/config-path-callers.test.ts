import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runConfigSchema } from '../../shared/run-config/schema';
import { openSync } from '../sync/open-sync';
import { prepareRun } from './pipeline/prepare-run';

/**
 * Run preparation and the sync engine resolve a config's paths with resolveConfigPaths, as
 * preflight does: "~/" is the home folder, a relative path is taken from the base folder.
 */
let dir: string;
const env = {
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
};
const missing = `.traindeck-no-such-${randomBytes(4).toString('hex')}/a.key`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-config-paths-'));
  await writeFile(join(dir, 'a.key'), randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  await writeFile(join(dir, 'params.yaml'), 'lr: 0.1\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const config = (sseKeyFile: string) =>
  runConfigSchema.parse({
    version: 1,
    aws: { region: 'eu-west-1' },
    storage: {
      bucket: 'td-data',
      prefix: 'p',
      sseKeyFile,
      localRoot: 'data',
      folders: [{ name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' }],
    },
    code: {
      repoUrl: 'https://github.com/acme/train.git',
      branch: 'main',
      overrides: [{ source: 'params.yaml', target: 'configs/params.yaml' }],
    },
    training: { command: 'python train.py' },
  });

describe('config paths at run preparation and sync', () => {
  it('"~/" is the home folder, not a folder named "~" under the base folder', async () => {
    const expected = `The SSE-C key file ${join(homedir(), missing)} does not exist.`;
    await expect(prepareRun('run-1', config(`~/${missing}`), dir)).rejects.toThrow(expected);
    await expect(openSync({ config: config(`~/${missing}`), baseDir: dir }, { env })).rejects.toThrow(expected);
  });

  it('relative paths are taken from the base folder', async () => {
    const prepared = await prepareRun('run-1', config('a.key'), dir);
    expect(prepared.uploads.map((u) => u.data.toString())).toEqual(['lr: 0.1\n']);
    const opened = await openSync({ config: config('a.key'), baseDir: dir }, { env });
    expect(opened.spec.localRoot).toBe(join(dir, 'data'));
    expect(opened.key.fingerprint).toBe(prepared.keyFingerprint);
  });
});
