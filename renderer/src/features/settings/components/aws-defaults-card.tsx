import type { AwsProfiles } from '../../../../../shared/domain/account';
import type { RegionChoice } from '../../../../../shared/domain/regions';
import type { AppSettings } from '../../../../../shared/domain/settings';
import type { AppError } from '../../../../../shared/ipc/result';
import { Card } from '../../../components/card';
import { ErrorCallout } from '../../../components/error-callout';
import { Field } from '../../../components/forms/field';
import { RegionOptions } from '../../../components/forms/region-options';
import { plainSettingsError } from './settings-error';

import './settings-cards.css';

/** The profile and region a new run starts from; empty means what the AWS setup says. */
export function AwsDefaultsCard({
  aws,
  profiles,
  regions,
  error,
  onChange,
}: {
  aws: AppSettings['aws'];
  /** The profiles of ~/.aws and the AWS setup's defaults (undefined until main answered). */
  profiles: AwsProfiles | undefined;
  /** Every region, marked enabled or not for the account, and why that is unknown. */
  regions: { regions: RegionChoice[]; problem?: string } | undefined;
  error: AppError | undefined;
  /** null: back to what the AWS setup says. */
  onChange: (change: { profile?: string | null; region?: string | null }) => void;
}) {
  const names = [...new Set([...(profiles?.profiles ?? []), ...(aws.profile ? [aws.profile] : [])])];
  return (
    <Card
      title="AWS defaults"
      subtitle="Where the launch wizard starts; each run can still choose"
      testId="settings-aws"
    >
      <div className="settings-card__body field-grid">
        <Field label="Profile" name="settings.profile" hint="A profile of ~/.aws; its keys stay there.">
          <select
            className="select"
            value={aws.profile ?? ''}
            onChange={(e) => onChange({ profile: e.target.value || null })}
          >
            <option value="">From the AWS setup{profiles ? ` (${profiles.defaultProfile})` : ''}</option>
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Region" name="settings.region" hint={regions?.problem}>
          <select
            className="select"
            value={aws.region ?? ''}
            onChange={(e) => onChange({ region: e.target.value || null })}
          >
            <option value="">
              From the AWS setup{profiles?.defaultRegion ? ` (${profiles.defaultRegion})` : ' (not set)'}
            </option>
            <RegionOptions value={aws.region ?? ''} regions={regions?.regions} />
          </select>
        </Field>
      </div>
      {error && (
        <div className="settings-card__error">
          <ErrorCallout error={plainSettingsError(error)} />
        </div>
      )}
    </Card>
  );
}
