import type { InstanceTypeOption, RegionPrices } from '../../../../../../shared/domain/account';
import { isGpuType } from '../../../../../../shared/domain/instance-family';
import { Field } from '../../../../components/forms/field';
import { Segmented } from '../../../../components/forms/segmented';
import type { Loaded } from '../../stores/wizard-aws';
import type { MachineTarget } from '../../wizard/draft';
import { InstancePicker } from './instance-picker';
import { SshHostFields } from './ssh-host-fields';
import type { StepProps } from './step-props';

interface ComputeStepProps extends StepProps<'compute'> {
  region: string;
  types: Loaded<InstanceTypeOption[]> | undefined;
  /** The region's prices (their source and date for the picker). */
  prices?: Loaded<RegionPrices> | undefined;
}

const TARGETS: Array<{ value: MachineTarget; label: string }> = [
  { value: 'aws-ec2', label: 'New EC2 instance' },
  { value: 'ssh-host', label: 'My machine over SSH' },
];

/**
 * Step 2: the machine. Usually the one EC2 instance — type, market, image, disk — and the hard
 * time limit that kills it; or a machine of the user's, reached over SSH, that nothing deletes.
 */
export function ComputeStep({
  value,
  region,
  errors,
  warnings,
  onFileBlur,
  types,
  prices,
  onChange,
}: ComputeStepProps) {
  const target = (
    <Field
      group
      label="Runs on"
      name="compute.target"
      hint={
        value.target === 'ssh-host'
          ? 'Nothing is created in AWS; S3 is used as usual. You pay for your machine, not this run.'
          : 'Created for this run, tagged, and deleted when it ends.'
      }
    >
      <Segmented
        label="Runs on"
        name="target"
        value={value.target}
        options={TARGETS}
        onChange={(next) => onChange({ target: next })}
      />
    </Field>
  );
  if (value.target === 'ssh-host') {
    return (
      <div className="wizard-step-body">
        {target}
        <SshHostFields value={value} errors={errors} warnings={warnings} onFileBlur={onFileBlur} onChange={onChange} />
      </div>
    );
  }
  const defaultAmi = isGpuType(value.instanceType)
    ? 'AWS Deep Learning Base GPU AMI (Ubuntu 22.04), latest'
    : 'Amazon Linux 2023, latest';
  return (
    <div className="wizard-step-body">
      {target}
      <Field
        group
        label="Instance type"
        name="compute.instanceType"
        error={errors['compute.instanceType']}
        hint={`Selected: ${value.instanceType}. Prices are ${region}'s: on-demand, and spot in the cheapest zone now.`}
      >
        <InstancePicker
          options={types?.value}
          loading={types?.loading ?? true}
          error={types?.error}
          value={value.instanceType}
          region={region}
          prices={prices?.value}
          pricesError={prices?.error?.message}
          onChange={(instanceType) => onChange({ instanceType })}
        />
      </Field>
      <div className="field-grid field-grid--3">
        <Field
          group
          label="Market"
          name="compute.market"
          error={errors['compute.market']}
          hint={
            value.market === 'spot'
              ? 'Cheaper, but AWS may reclaim it; the run pushes and stops.'
              : 'Billed per second while running.'
          }
        >
          <Segmented
            label="Market"
            name="market"
            value={value.market}
            options={[
              { value: 'on-demand', label: 'On-demand' },
              { value: 'spot', label: 'Spot' },
            ]}
            onChange={(market) => onChange({ market })}
          />
        </Field>
        <Field
          label="Disk (GB, gp3)"
          name="compute.diskGb"
          error={errors['compute.diskGb']}
          hint="Deleted with the instance."
        >
          <input
            className="input tabular"
            inputMode="numeric"
            value={value.diskGb}
            onChange={(e) => onChange({ diskGb: e.target.value })}
          />
        </Field>
        <Field
          label="Max runtime (TTL, minutes)"
          name="compute.ttlMinutes"
          error={errors['compute.ttlMinutes']}
          hint="Hard limit armed on the instance itself: it powers off even if this app is gone."
        >
          <input
            className="input tabular"
            inputMode="numeric"
            value={value.ttlMinutes}
            onChange={(e) => onChange({ ttlMinutes: e.target.value })}
            placeholder="e.g. 240"
          />
        </Field>
        <Field
          label="AMI"
          name="compute.amiId"
          error={errors['compute.amiId']}
          hint={`Leave empty for the default: ${defaultAmi}.`}
          className="field--wide"
        >
          <input
            className="input input--mono"
            value={value.amiId}
            onChange={(e) => onChange({ amiId: e.target.value })}
            placeholder="ami-0123456789abcdef0 (optional)"
            spellCheck={false}
          />
        </Field>
      </div>
      <Field
        label="Alternative instance types"
        name="compute.alternatives"
        error={errors['compute.alternatives']}
        hint={`When no zone of ${region} has room for ${value.instanceType}, these are tried in order, each in every zone (preflight checks each: offered, quota, AMI).`}
      >
        <input
          className="input input--mono"
          value={value.alternatives ?? ''}
          onChange={(e) => onChange({ alternatives: e.target.value })}
          placeholder="e.g. g5.2xlarge, g6.xlarge (optional, at most 4)"
          spellCheck={false}
        />
      </Field>
      {value.market === 'spot' && (
        <label className="checkbox">
          <input
            type="checkbox"
            name="compute.spot.fallbackOnDemand"
            checked={value.fallbackOnDemand ?? false}
            onChange={(e) => onChange({ fallbackOnDemand: e.target.checked })}
          />
          Launch on-demand when no spot placement has capacity (billed at the on-demand price)
        </label>
      )}
      {value.market === 'spot' && (
        <Field
          label="Relaunches after a spot interruption"
          name="compute.spot.maxRelaunches"
          error={errors['compute.spot.maxRelaunches']}
          hint="After AWS reclaims the instance and its data is pushed, TrainDeck launches another and your training starts again with TRAINDECK_RESUME_FROM (the newest checkpoint). Needs this app open. Empty or 0: the run ends."
        >
          <input
            className="input tabular"
            inputMode="numeric"
            value={value.maxRelaunches ?? ''}
            onChange={(e) => onChange({ maxRelaunches: e.target.value })}
            placeholder="0"
          />
        </Field>
      )}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={value.shutdownAfterPush}
          onChange={(e) => onChange({ shutdownAfterPush: e.target.checked })}
        />
        Shut down (and so terminate) as soon as the final push is verified
      </label>
    </div>
  );
}
