import { describe, expect, it } from 'vitest';

import type { PreflightCheck } from '../../../../../shared/domain/preflight';
import { checkHome, failingSteps, guiFix, homeLabel } from './preflight-homes';

const check = (id: string, fix: string, status: PreflightCheck['status'] = 'fail', field?: string): PreflightCheck => ({
  id,
  label: id,
  status,
  value: 'v',
  fix,
  ...(field ? { field } : {}),
});

describe('preflight findings are fixed in the wizard, in its words', () => {
  it('sends each check to its step and field', () => {
    expect(homeLabel(checkHome(check('bucket', ''))!)).toBe('Data → Bucket');
    expect(homeLabel(checkHome(check('quota', ''))!)).toBe('Compute → Instance type');
    expect(homeLabel(checkHome(check('file-1', '', 'fail', 'code.overrides.0.source'))!)).toBe('Code → Override files');
    expect([...failingSteps([check('bucket', 'x'), check('ami', 'x', 'pass'), check('identity', 'x')])].sort()).toEqual(
      ['account', 'data'],
    );
  });

  it('never shows CLI wording (config keys, traindeck commands) as the fix', () => {
    expect(
      guiFix(
        check(
          'sse-key',
          'Point storage.sseKeyFile at your key, or create one with `traindeck key generate FILE` (and keep a copy).',
        ),
      ),
    ).toBe(
      'Choose your key in Data → Encryption key, or generate one with Generate key (Data → Encryption key) (and keep a copy).',
    );
    expect(
      guiFix(
        check(
          'bucket',
          'Use a bucket in eu-west-1, or set storage.region to "us-east-1" to accept cross-region transfer (about $0.02/GB each way).',
        ),
      ),
    ).toBe('Use a bucket in eu-west-1 (Data → Bucket), or choose us-east-1 in Account → Region.');
    expect(guiFix(check('ami', 'Set compute.amiId to an AMI available in this region.'))).toBe(
      'Change it in Compute → AMI.',
    );
    expect(guiFix(check('bucket', 'Create it: aws s3 mb s3://b --region eu-west-1'))).toBe(
      'Create it: aws s3 mb s3://b --region eu-west-1',
    );
  });
});
