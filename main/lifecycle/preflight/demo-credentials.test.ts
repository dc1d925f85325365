import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { PreflightReport } from '../../../shared/domain/preflight';
import type { RunConfig } from '../../../shared/run-config/schema';
import { createCore } from '../../composition/create-core';
import { silentLogger } from '../../core/logger';
import { yesTrustGate } from '../../trust/testing/yes-trust-gate';
import { localChecks } from './local-checks';

// #17 point 6: in demo mode (TRAINDECK_FAKE_AWS=1) the preflight warned "AWS credentials: none found"
// while the demo identity check passed. Invariant: the demo's preflight says the demo needs no
// credentials, and every check it shows agrees with the identity it shows.

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

/** An environment with no AWS credentials anywhere (no variables, no ~/.aws). */
function noCredentials(): NodeJS.ProcessEnv {
  dir = mkdtempSync(join(tmpdir(), 'traindeck-demo-credentials-'));
  return {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    TRAINDECK_DATA_DIR: join(dir, 'data'),
  };
}

const config = (keyFile: string): RunConfig => ({
  version: 1,
  aws: { region: 'eu-west-1' },
  storage: {
    bucket: 'td-data',
    prefix: 'team/demo',
    sseKeyFile: keyFile,
    localRoot: 'data',
    folders: [{ name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' }],
  },
  compute: { instanceType: 'g5.xlarge', market: 'on-demand', diskGb: 100, ttlMinutes: 240, shutdownAfterPush: true },
});

describe('the demo account needs no AWS credentials, and the preflight says so', () => {
  it('local checks: the demo passes as the demo; without it, still "none found" (a warning with the fix)', async () => {
    const env = noCredentials();
    const keyFile = join(dir!, 'k.key');
    writeFileSync(keyFile, Buffer.alloc(32, 7), { mode: 0o600 });
    const demo = await localChecks(config(keyFile), { ...env, TRAINDECK_FAKE_AWS: '1' });
    expect(demo.checks.find((c) => c.id === 'aws-profile')).toEqual({
      id: 'aws-profile',
      label: 'AWS credentials',
      status: 'pass',
      value: 'not used: the demo account is in memory, nothing is real',
    });
    const real = await localChecks(config(keyFile), env);
    expect(real.checks.find((c) => c.id === 'aws-profile')).toMatchObject({
      status: 'warn',
      value: expect.stringMatching(/^none found: /),
      fix: expect.stringContaining('aws configure'),
    });
  });

  it('the app’s preflight of the demo (as the wizard runs it): no credentials warning beside the demo identity', async () => {
    const env = { ...noCredentials(), TRAINDECK_FAKE_AWS: '1' };
    const keyFile = join(dir!, 'k.key');
    writeFileSync(keyFile, Buffer.alloc(32, 7), { mode: 0o600 });
    const core = createCore({
      trust: yesTrustGate(),
      transport: 'web',
      isTrusted: () => true,
      log: silentLogger,
      projectRoot: process.cwd(),
      env,
    });
    const result = await core.router.handle('preflight.run', { config: config(keyFile) }, { transport: 'in-process' });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    const checks = (result.value as PreflightReport).checks;
    expect(checks.find((c) => c.id === 'aws-profile')).toMatchObject({
      status: 'pass',
      value: expect.stringContaining('demo'),
    });
    expect(checks.find((c) => c.id === 'identity')).toMatchObject({ status: 'pass' });
    expect(checks.filter((c) => /none found/.test(c.value))).toEqual([]);
  });
});
