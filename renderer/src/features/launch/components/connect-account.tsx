import type { AwsIdentity } from '../../../../../shared/domain/account';
import type { DoctorCheck } from '../../../../../shared/domain/doctor';
import { TRAINDECK_USER_POLICY } from '../../../../../shared/domain/iam-policy';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { Disclosure } from '../../../components/disclosure';
import { StatusMark } from '../../../components/doctor/status-mark';
import { RefreshIcon } from '../../../components/icons/ui-icons';
import { RichText } from '../../../components/rich-text';
import type { Loaded } from '../stores/wizard-aws';

import './connect-account.css';

interface ConnectAccountProps {
  identity: Loaded<AwsIdentity> | undefined;
  /** The doctor's region line (where the app would launch), when it has run. */
  region: DoctorCheck | undefined;
  onCheckAgain: () => void;
  onCopyPolicy: (text: string) => void;
  /** Opens the wizard at its Account step, for a user whose credentials are in another profile. */
  onChooseProfile: () => void;
}

/**
 * The first screen for someone whose AWS credentials do not work (yet): what TrainDeck needs,
 * in order — credentials, a region, the permissions (the IAM policy to copy) — and Check again.
 * The launch wizard's call to action appears once the identity check passes.
 */
export function ConnectAccount({ identity, region, onCheckAgain, onCopyPolicy, onChooseProfile }: ConnectAccountProps) {
  const error = identity?.error;
  return (
    <Card
      title="Connect your AWS account"
      subtitle="TrainDeck creates one instance in your AWS account and deletes it when the run ends. First it needs these three things."
      testId="connect-account"
    >
      <ol className="connect">
        <li className="connect__step" data-testid="connect-credentials" data-status={error ? 'fail' : 'pass'}>
          <StatusMark status={identity?.loading ? 'info' : error ? 'fail' : 'pass'} />
          <div className="connect__text">
            <h3 className="connect__title">1. Credentials</h3>
            {error ? (
              <>
                <p className="connect__problem">{error.message}</p>
                {error.fix && (
                  <p className="connect__fix">
                    <RichText text={error.fix} />
                  </p>
                )}
                <p className="connect__detail">
                  <RichText text="In a terminal, run `aws configure` (access keys) or `aws configure sso` (IAM Identity Center), then Check again. TrainDeck reads ~/.aws by profile name; keys never reach this window." />
                </p>
              </>
            ) : (
              <p className="connect__detail">{identity?.loading ? 'Checking…' : 'Found.'}</p>
            )}
          </div>
        </li>
        <li className="connect__step" data-testid="connect-region" data-status={region?.status ?? 'info'}>
          <StatusMark status={region?.status ?? 'info'} />
          <div className="connect__text">
            <h3 className="connect__title">2. Region</h3>
            <p className="connect__detail">
              {region?.status === 'pass'
                ? `${region.value}. The wizard lets you pick another one.`
                : 'Not set: the wizard starts in eu-west-1 and lets you pick another one.'}
            </p>
            {region?.status !== 'pass' && (
              <p className="connect__fix">
                <RichText text="To set a default: `aws configure set region eu-west-1`." />
              </p>
            )}
          </div>
        </li>
        <li className="connect__step" data-testid="connect-permissions">
          <StatusMark status="info" />
          <div className="connect__text">
            <h3 className="connect__title">3. Permissions</h3>
            <p className="connect__detail">Attach this IAM policy to the user or role of those credentials.</p>
            <Disclosure summary="How">
              In the IAM console: Policies → Create policy → JSON. Replace YOUR-BUCKET with the bucket of your data; the
              instance itself gets a narrower role, made per run folder.
            </Disclosure>
            <div className="connect__policy-actions">
              <Button size="sm" onClick={() => onCopyPolicy(TRAINDECK_USER_POLICY)} data-testid="copy-policy">
                Copy the IAM policy
              </Button>
            </div>
            <details className="connect__policy">
              <summary>Show the policy</summary>
              <pre
                className="code-block connect__json selectable"
                tabIndex={0}
                aria-label="IAM policy for TrainDeck"
                data-testid="iam-policy"
              >
                {TRAINDECK_USER_POLICY}
              </pre>
            </details>
          </div>
        </li>
      </ol>
      <div className="card-footer">
        <Button variant="ghost" size="sm" onClick={onChooseProfile} data-testid="choose-profile">
          My credentials are in another profile
        </Button>
        <Button
          variant="primary"
          icon={<RefreshIcon size={14} />}
          loading={identity?.loading}
          onClick={onCheckAgain}
          data-testid="connect-check-again"
        >
          Check again
        </Button>
      </div>
    </Card>
  );
}
