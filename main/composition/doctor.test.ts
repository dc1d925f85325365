import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { makeTestCertificates } from '../aws/testing/test-certificates';
import { runDoctor } from './doctor';

function home(files: { config?: string; credentials?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'traindeck-doctor-'));
  mkdirSync(join(dir, '.aws'));
  if (files.config) writeFileSync(join(dir, '.aws', 'config'), files.config);
  if (files.credentials) writeFileSync(join(dir, '.aws', 'credentials'), files.credentials);
  return dir;
}

/** A project whose electron package was installed but never ran (no path.txt, no dist/): as after `npm ci`. */
function fakeElectronPackage(): string {
  const root = mkdtempSync(join(tmpdir(), 'traindeck-doctor-project-'));
  writeFileSync(join(root, 'package.json'), '{"name":"p"}');
  mkdirSync(join(root, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'electron', 'package.json'), '{"name":"electron","version":"45.4.1"}');
  return root;
}

const base = { projectRoot: process.cwd(), dataDir: '/data', nodeVersion: 'v22.12.0' };
const check = (report: Awaited<ReturnType<typeof runDoctor>>, id: string) => report.checks.find((c) => c.id === id)!;

describe('doctor', () => {
  it('reads profile, region, SSO and endpoint from the profile, never a secret', async () => {
    const dir = home({
      config: '[profile ml]\nregion = eu-west-1\nsso_session = corp\nendpoint_url = http://127.0.0.1:4566\n',
      credentials: '[ml]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = SECRETSECRET\n',
    });
    const report = await runDoctor({ ...base, env: { AWS_PROFILE: 'ml' }, home: dir });
    expect(check(report, 'aws-profile')).toMatchObject({ status: 'pass', value: 'ml (from AWS_PROFILE)' });
    expect(check(report, 'aws-region')).toMatchObject({ status: 'pass', value: expect.stringContaining('eu-west-1') });
    expect(check(report, 'aws-credentials')).toMatchObject({
      status: 'pass',
      fix: expect.stringContaining('aws sso login --profile ml'),
    });
    expect(check(report, 'aws-endpoints').value).toContain('http://127.0.0.1:4566');
    expect(JSON.stringify(report)).not.toMatch(/SECRETSECRET|AKIAEXAMPLE/);
  });

  it('prefers AWS_REGION and lists every endpoint override variable', async () => {
    const report = await runDoctor({
      ...base,
      home: home({ config: '[default]\nregion = us-east-1\n' }),
      env: {
        AWS_REGION: 'ap-south-1',
        AWS_ENDPOINT_URL: 'http://emu:1',
        AWS_ENDPOINT_URL_EC2: 'http://emu:2',
        AWS_ENDPOINT_URL_S3: 'http://emu:3',
      },
    });
    expect(check(report, 'aws-region').value).toBe('ap-south-1 (from AWS_REGION)');
    const endpoints = check(report, 'aws-endpoints').value;
    for (const url of ['http://emu:1', 'http://emu:2', 'http://emu:3']) expect(endpoints).toContain(url);
    expect(endpoints).toContain('EC2');
  });

  it('names the certificate authorities every AWS call trusts, and fails a bundle of junk with its fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traindeck-doctor-ca-'));
    writeFileSync(join(dir, 'ca.pem'), makeTestCertificates().ca);
    writeFileSync(join(dir, 'junk.pem'), '-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n');
    const trust = async (env: NodeJS.ProcessEnv) => check(await runDoctor({ ...base, home: home(), env }), 'aws-trust');
    expect(await trust({})).toMatchObject({ status: 'info', value: "Node's bundled roots (AWS_CA_BUNDLE not set)" });
    expect(await trust({ AWS_CA_BUNDLE: join(dir, 'ca.pem') })).toMatchObject({
      status: 'pass',
      value: `1 certificate of AWS_CA_BUNDLE (${join(dir, 'ca.pem')}), for every AWS call`,
    });
    expect(await trust({ AWS_CA_BUNDLE: join(dir, 'junk.pem') })).toMatchObject({
      status: 'fail',
      value: expect.stringMatching(/whose certificate block 1 \(line 1\) is not a certificate/),
      fix: expect.stringContaining('AWS_CA_BUNDLE'),
    });
  });

  it('ignores endpoint overrides when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true', async () => {
    const report = await runDoctor({
      ...base,
      home: home(),
      env: { AWS_ENDPOINT_URL: 'http://emu:1', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
    });
    expect(check(report, 'aws-endpoints').value).toBe('AWS public endpoints (no override)');
  });

  it('fails the credentials (red, not a warning) and warns profile and region with a fix when nothing is configured', async () => {
    const report = await runDoctor({ ...base, home: home(), env: {} });
    expect(check(report, 'aws-profile')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('aws configure'),
    });
    expect(check(report, 'aws-credentials')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('aws configure'),
    });
    expect(check(report, 'aws-region')).toMatchObject({ status: 'warn', fix: expect.stringContaining('AWS_REGION') });
  });

  it('in demo mode reports the demo identity the wizard shows, not the missing ~/.aws setup', async () => {
    const report = await runDoctor({
      ...base,
      home: home(),
      env: {},
      demoIdentity: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/ana' },
    });
    expect(check(report, 'aws-credentials')).toMatchObject({
      status: 'pass',
      value: expect.stringMatching(/^demo account 123456789012 .*nothing is real$/),
    });
    expect(report.checks.filter((c) => c.status === 'warn' || c.status === 'fail').map((c) => c.id)).not.toContain(
      'aws-profile',
    );
    expect(check(report, 'aws-region').status).toBe('pass');
  });

  it('fails an old Node with the version to install', async () => {
    const report = await runDoctor({ ...base, nodeVersion: 'v18.20.0', home: home(), env: {} });
    expect(check(report, 'node')).toMatchObject({ status: 'fail', fix: expect.stringContaining('20.19') });
  });

  it('reports the Electron binary without loading the electron package', async () => {
    const missing = await runDoctor({ ...base, home: home(), env: { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent' } });
    expect(check(missing, 'electron')).toMatchObject({
      status: 'warn',
      value: expect.stringContaining('/nonexistent'),
    });
    // The true reason where it was never downloaded: not a variable that is not set.
    const notDownloaded = await runDoctor({
      ...base,
      projectRoot: fakeElectronPackage(),
      home: home(),
      env: {},
    });
    expect(check(notDownloaded, 'electron').value).toBe(
      'not available: the Electron binary has not been downloaded yet (the electron package fetches it on first run, not at npm install); `npm run electron:fetch` (or the first `npm start`) downloads it where the network reaches github.com',
    );
    expect(check(notDownloaded, 'electron').value).not.toContain('ELECTRON_SKIP_BINARY_DOWNLOAD');
    // In browser mode the page already runs without Electron: information, not a warning that never clears.
    const web = await runDoctor({
      ...base,
      home: home(),
      env: { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent' },
      transport: 'web',
    });
    expect(check(web, 'electron')).toMatchObject({
      status: 'info',
      value: expect.stringMatching(/^not needed in browser mode; for the desktop app: .*\/nonexistent/),
    });
    expect(check(web, 'electron').fix).toBeUndefined();
    const inside = await runDoctor({ ...base, home: home(), env: {}, electronVersion: '45.4.1' });
    expect(check(inside, 'electron')).toMatchObject({ status: 'pass', value: 'running in Electron 45.4.1' });
  });
});
