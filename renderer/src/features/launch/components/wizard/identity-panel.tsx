import type { AwsIdentity } from '../../../../../../shared/domain/account';
import { StatusMark } from '../../../../components/doctor/status-mark';
import { RichText } from '../../../../components/rich-text';
import { Spinner } from '../../../../components/spinner';
import type { Loaded } from '../../stores/wizard-aws';

import './identity-panel.css';

/** Who the chosen profile is (account and ARN), or why it could not be told, with the fix (e.g. `aws sso login`). */
export function IdentityPanel({ identity, profile }: { identity: Loaded<AwsIdentity> | undefined; profile: string }) {
  return (
    <div
      className="identity"
      data-testid="identity"
      data-state={identity?.loading ? 'checking' : identity?.error ? 'error' : identity?.value ? 'ok' : 'idle'}
      aria-live="polite"
    >
      {!identity || identity.loading ? (
        <>
          <Spinner size={14} />
          <span className="identity__text">Checking who profile “{profile}” is…</span>
        </>
      ) : identity.value ? (
        <>
          <StatusMark status="pass" />
          <div className="identity__text">
            <span className="identity__title">
              Account <span className="mono selectable">{identity.value.account}</span>
            </span>
            <span className="identity__detail mono selectable">{identity.value.arn}</span>
          </div>
        </>
      ) : (
        <>
          <StatusMark status="fail" />
          <div className="identity__text">
            <span className="identity__title">{identity.error?.message}</span>
            {identity.error?.fix && (
              <span className="identity__detail">
                <RichText text={identity.error.fix} />
              </span>
            )}
          </div>
        </>
      )}
    </div>
  );
}
