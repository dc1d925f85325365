import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { ExecutorSecrets } from '../../shared/executor/protocol';
import { PhaseError } from './phase-error';
import {
  assertTrainingEnvClean,
  dropDeployKey,
  splitSecrets,
  withheldFromTraining,
  withoutAwsCredentials,
} from './step-secrets';

const SSE_KEY = Buffer.alloc(32, 7).toString('base64');
const DEPLOY_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

const LINE_KEY = Buffer.alloc(32, 9).toString('base64');

function document(): ExecutorSecrets {
  return {
    sseKey: SSE_KEY,
    deployKey: DEPLOY_KEY,
    s3: { accessKeyId: 'AKIATEST', secretAccessKey: 's3-secret-key-value', sessionToken: 's3-session-token' },
    secretEnv: { WANDB_API_KEY: 'wandb-token-value' },
    lineKey: LINE_KEY,
  };
}

describe('each executor step gets only its own secrets', () => {
  it('the checkout gets the deploy key, storage the S3 credentials and SSE-C key, the training its secret env; the document keeps only storage', () => {
    const doc = document();
    const steps = splitSecrets(doc);
    expect(steps.checkout.deployKey?.toString('utf8')).toBe(DEPLOY_KEY);
    expect(Object.keys(steps.checkout)).toEqual(['deployKey']);
    expect(steps.storage).toEqual({ sseKey: SSE_KEY, s3: document().s3 });
    expect(steps.training).toEqual({ WANDB_API_KEY: 'wandb-token-value' });
    // The line key seals the executor's word on its webhook post: the end of the run's only.
    expect(steps.notify).toEqual({ lineKey: LINE_KEY });
    // No other reference to the deploy key or the secret env stays in the document main() holds.
    expect(doc).toEqual({ sseKey: SSE_KEY, s3: document().s3 });
  });

  it('after the checkout the deploy key is zeroed and no longer referenced', () => {
    const steps = splitSecrets(document());
    const buffer = steps.checkout.deployKey!;
    dropDeployKey(steps);
    expect(steps.checkout).toEqual({});
    expect(buffer.every((byte) => byte === 0)).toBe(true);
    dropDeployKey(steps); // twice is harmless
  });

  it('the training environment loses the AWS credential variables a local run inherits, and keeps the rest', () => {
    const env = withoutAwsCredentials({
      PATH: '/usr/bin',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_SESSION_TOKEN: 'y',
      AWS_SECURITY_TOKEN: 'z',
      AWS_REGION: 'eu-west-1',
    });
    expect(env).toEqual({ PATH: '/usr/bin', AWS_REGION: 'eu-west-1' });
  });

  it('a training environment holding any other step secret, under any name, is refused (property)', () => {
    const steps = splitSecrets(document());
    const withheld = withheldFromTraining(steps);
    expect(withheld.map((w) => w.what)).toEqual([
      'the SSE-C key',
      'the SSE-C key',
      'the S3 secret access key',
      'the S3 session token',
      'the deploy key',
      "the executor's line key",
    ]);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/),
        fc.constantFrom(...withheld),
        fc.string({ maxLength: 10 }),
        fc.string({ maxLength: 10 }),
        (name, secret, before, after) => {
          const env = { PATH: '/usr/bin', WANDB_API_KEY: 'wandb-token-value', [name]: before + secret.value + after };
          const error = (() => {
            try {
              assertTrainingEnvClean(env, withheld);
            } catch (e) {
              return e;
            }
          })();
          expect(error).toBeInstanceOf(PhaseError);
          expect((error as PhaseError).message).toBe(
            `the training's environment variable ${name} holds ${secret.what}, which only TrainDeck's own steps may use`,
          );
          expect((error as PhaseError).message).not.toContain(secret.value);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
    expect(() =>
      assertTrainingEnvClean({ PATH: '/usr/bin', WANDB_API_KEY: 'wandb-token-value' }, withheld),
    ).not.toThrow();
  });
});
