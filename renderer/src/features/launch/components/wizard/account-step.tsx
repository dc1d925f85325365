import type { AwsIdentity, AwsProfiles } from '../../../../../../shared/domain/account';
import type { RegionChoice } from '../../../../../../shared/domain/regions';
import { Button } from '../../../../components/button';
import { Field } from '../../../../components/forms/field';
import { RegionOptions } from '../../../../components/forms/region-options';
import { AlertIcon, RefreshIcon } from '../../../../components/icons/ui-icons';
import type { Loaded } from '../../stores/wizard-aws';
import { IdentityPanel } from './identity-panel';
import type { StepProps } from './step-props';

interface AccountStepProps extends StepProps<'account'> {
  profiles: Loaded<AwsProfiles> | undefined;
  identity: Loaded<AwsIdentity> | undefined;
  /** The regions as the account has them (not-enabled ones marked); undefined until known. */
  regions: { regions: RegionChoice[]; problem?: string } | undefined;
  onCheckIdentity: () => void;
}

/** Step 1: which AWS account (a profile of ~/.aws, by name only), which region, and who that is. */
export function AccountStep({
  value,
  errors,
  profiles,
  identity,
  regions,
  onChange,
  onCheckIdentity,
}: AccountStepProps) {
  const names = profiles?.value?.profiles ?? [];
  const defaultProfile = profiles?.value?.defaultProfile;
  return (
    <div className="wizard-step-body">
      <div className="field-grid">
        <Field
          label="AWS profile"
          name="aws.profile"
          error={errors['aws.profile']}
          hint={
            names.length
              ? `From ~/.aws (names only; keys never leave the machine). Default: ${defaultProfile ?? 'default'}.`
              : 'No profiles in ~/.aws: the default credential chain (environment variables, instance role) is used.'
          }
        >
          <select
            className="select"
            value={value.profile}
            onChange={(e) => onChange({ profile: e.target.value })}
            disabled={profiles?.loading}
          >
            <option value="">Default credential chain{defaultProfile ? ` (${defaultProfile})` : ''}</option>
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Region"
          name="aws.region"
          error={errors['aws.region']}
          hint="Where the instance runs; the bucket may be elsewhere (preflight says so)."
        >
          <select className="select" value={value.region} onChange={(e) => onChange({ region: e.target.value })}>
            <RegionOptions value={value.region} regions={regions?.regions} />
          </select>
        </Field>
        <Field
          label="Run name"
          name="name"
          error={errors.name}
          hint="Optional; names the run's resources and its report, e.g. resnet50-baseline."
          className="field--wide"
        >
          <input
            className="input"
            value={value.name}
            onChange={(e) => onChange({ name: e.target.value })}
            placeholder="resnet50-baseline"
            spellCheck={false}
          />
        </Field>
      </div>
      <div className="wizard-identity" data-invalid={errors['aws.identity'] ? true : undefined}>
        <IdentityPanel identity={identity} profile={value.profile || defaultProfile || 'default'} />
        <Button
          size="sm"
          icon={<RefreshIcon size={13} />}
          loading={identity?.loading}
          onClick={onCheckIdentity}
          aria-describedby={errors['aws.identity'] ? 'identity-error' : undefined}
          data-testid="identity-check-again"
        >
          Check again
        </Button>
      </div>
      {errors['aws.identity'] && (
        <p className="field__error" id="identity-error" data-testid="error-aws.identity">
          <AlertIcon size={12} />
          {errors['aws.identity']}
        </p>
      )}
    </div>
  );
}
