import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, test } from '@playwright/test';

import { atStep, collectProblems, nav, next, openApp, shotAccessibleAtWidths, useWebHost } from './support';

/**
 * #15 point 7, a first start without AWS credentials (none in the environment, no ~/.aws, no
 * instance metadata): the Launch page is "Connect your AWS account" (credentials → region →
 * permissions with the IAM policy to copy), the environment check says red, and the wizard's
 * Next cannot pass the failed identity. Screenshots at 1280 and 1920 px, light and dark.
 */
test.describe.configure({ timeout: 180_000 });

const home = mkdtempSync(join(tmpdir(), 'traindeck-first-start-'));
const host = useWebHost(
  {
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_REGION: '',
    AWS_DEFAULT_REGION: '',
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    HOME: home,
  },
  ['--allow-dir', home],
);
test.afterAll(() => rmSync(home, { recursive: true, force: true }));

test('without credentials: Connect your AWS account first, red in the environment check, and Next stays on a failed identity', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url, 'Launch');

  // The first screen: credentials (failed, with the fix), region, permissions; no wizard call to action.
  const connect = page.getByTestId('connect-account');
  await expect(connect).toBeVisible({ timeout: 30_000 });
  await expect(connect.getByRole('heading', { name: 'Connect your AWS account' })).toBeVisible();
  await expect(page.getByTestId('connect-credentials')).toHaveAttribute('data-status', 'fail');
  await expect(page.getByTestId('connect-credentials')).toContainText('aws configure');
  await expect(page.getByTestId('connect-region')).toContainText('eu-west-1');
  await expect(page.getByTestId('start-wizard')).toHaveCount(0);
  await expect(page.getByTestId('demo-badge')).toHaveCount(0);
  // The policy to copy, from its one home (shared/domain/iam-policy.ts).
  await page.getByText('Show the policy').click();
  await expect(page.getByTestId('iam-policy')).toContainText('"sts:GetCallerIdentity"');
  await expect(page.getByTestId('iam-policy')).toContainText('"ec2:RunInstances"');
  await expect(page.getByTestId('launch-readiness').getByTestId('readiness-aws-credentials')).toBeVisible();
  await shotAccessibleAtWidths(page, 'first-start-connect');

  // Settings' environment check: no credentials is a failure, not a warning.
  await nav(page, 'Settings').click();
  await expect(page.getByTestId('doctor-check-aws-credentials')).toHaveAttribute('data-status', 'fail');

  // "My credentials are in another profile" opens the wizard, whose Next cannot pass a failed identity.
  await nav(page, 'Launch').click();
  await page.getByTestId('choose-profile').click();
  await atStep(page, 'account');
  await expect(page.getByTestId('identity')).toHaveAttribute('data-state', 'error', { timeout: 30_000 });
  await next(page);
  await atStep(page, 'account');
  await expect(page.getByTestId('error-aws.identity')).toContainText('Next needs an AWS identity that works');
  // Focus lands on the first thing to fix: the identity's Check again.
  await expect(page.getByTestId('identity-check-again')).toBeFocused();
  await expect(page.getByTestId('step-account')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('step-compute')).toBeDisabled();
  await shotAccessibleAtWidths(page, 'first-start-wizard-blocked');

  expect(problems).toEqual([]);
});
