import { Disclosure } from '../../../../components/disclosure';
import { EditableRows, type RowColumn } from '../../../../components/forms/editable-rows';
import { Field } from '../../../../components/forms/field';
import { Segmented } from '../../../../components/forms/segmented';
import type { WizardDraft } from '../../wizard/draft';
import type { StepProps } from './step-props';

const ENV_COLUMNS: Array<RowColumn<WizardDraft['training']['env'][number]>> = [
  { kind: 'text', field: 'name', label: 'Name', mono: true, placeholder: 'WANDB_MODE', isName: true },
  { kind: 'text', field: 'value', label: 'Value', mono: true, placeholder: 'offline' },
];

const SECRET_ENV_COLUMNS: Array<RowColumn<WizardDraft['training']['secretEnv'][number]>> = [
  { kind: 'text', field: 'name', label: 'Name', mono: true, placeholder: 'WANDB_API_KEY', isName: true },
  {
    kind: 'text',
    field: 'file',
    label: 'File',
    header: 'File holding the value',
    mono: true,
    placeholder: '~/.wandb-key',
  },
];

/** Step 5: the command that trains, its environment, when to stop it early, and the secrets it needs (by file). */
export function TrainingStep({ value, errors, warnings = {}, onFileBlur, onChange }: StepProps<'training'>) {
  return (
    <div className="wizard-step-body">
      <Field
        label="Command"
        name="training.command"
        error={errors['training.command']}
        hint="Run from the repository root, detached from SSH."
        details="Its output goes to logs/RUN-ID/train.log. The data folders are in the DATA_DIR, CHECKPOINT_DIR… environment variables."
      >
        <textarea
          className="textarea"
          rows={3}
          value={value.command}
          onChange={(e) => onChange({ command: e.target.value })}
          placeholder="python train.py --epochs 30 --data $DATA_DIR/cached_datasets"
          spellCheck={false}
        />
      </Field>
      <Field
        label="Expected training time (hours)"
        name="training.expectedHours"
        error={errors['training.expectedHours']}
        hint="Review prices it next to the time limit. An estimate only: nothing stops the run at it. Empty: the time limit only."
      >
        <input
          className="input tabular"
          inputMode="decimal"
          value={value.expectedHours}
          onChange={(e) => onChange({ expectedHours: e.target.value })}
          placeholder="e.g. 6"
        />
      </Field>
      <section className="wizard-subsection" aria-labelledby="env-title">
        <h3 id="env-title" className="wizard-subsection__title">
          Environment variables
        </h3>
        <EditableRows
          rows={value.env}
          columns={ENV_COLUMNS}
          item="variable"
          errorKey="training.env"
          errors={errors}
          addLabel="Add variable"
          empty="None. Tokens do not belong here (these values are kept in templates and on the machine): add them under Secret variables below."
          newRow={() => ({ name: '', value: '' })}
          onChange={(env) => onChange({ env })}
          testId="env"
        />
      </section>
      <section className="wizard-subsection" aria-labelledby="stop-rules-title">
        <h3 id="stop-rules-title" className="wizard-subsection__title">
          When to stop early
        </h3>
        <p className="wizard-subsection__text">
          A stop is the same as Stop training: the training gets SIGTERM, its data is pushed and verified, then the
          machine is torn down. The app checks these while it runs; with it closed, the time limit still ends the run.
        </p>
        <div className="field-grid field-grid--3">
          <Field
            label="Budget (US dollars)"
            name="training.maxCostUsd"
            error={errors['training.maxCostUsd']}
            hint="EC2 runs: stopped when the cost so far plus a graceful stop would pass it. Empty: no budget."
          >
            <input
              className="input tabular"
              inputMode="decimal"
              value={value.maxCostUsd}
              onChange={(e) => onChange({ maxCostUsd: e.target.value })}
              placeholder="e.g. 25"
            />
          </Field>
          <Field
            group
            label="When the training stalls"
            name="monitoring.stall.action"
            error={errors['monitoring.stall.action']}
            hint="No new log line and an idle GPU (or CPU) for the stall time (10 minutes by default)."
          >
            <Segmented
              label="When the training stalls"
              name="stall-action"
              value={value.stallAction}
              options={[
                { value: 'alert', label: 'Alert' },
                { value: 'stop', label: 'Stop the run' },
              ]}
              onChange={(stallAction) => onChange({ stallAction })}
            />
          </Field>
          <Field
            group
            label="When the loss is NaN or infinite"
            name="monitoring.nonFiniteLoss"
            error={errors['monitoring.nonFiniteLoss']}
            hint="Read from the training's log and metrics.jsonl."
          >
            <Segmented
              label="When the loss is NaN or infinite"
              name="loss-action"
              value={value.lossAction}
              options={[
                { value: 'off', label: 'Off' },
                { value: 'alert', label: 'Alert' },
                { value: 'stop', label: 'Stop the run' },
              ]}
              onChange={(lossAction) => onChange({ lossAction })}
            />
          </Field>
        </div>
      </section>
      <section className="wizard-subsection" aria-labelledby="secret-env-title">
        <h3 id="secret-env-title" className="wizard-subsection__title">
          Secret variables
        </h3>
        <p className="wizard-subsection__text">
          API tokens such as WANDB_API_KEY or HF_TOKEN, each read from a file on this computer.
        </p>
        <Disclosure summary="Where the value goes">
          The file is read when the run starts; its value is sent over the encrypted SSH channel and given to the
          training only. Templates and exported configs keep the file path, never the value; it is hidden in the
          training&apos;s log.
        </Disclosure>
        <EditableRows
          rows={value.secretEnv}
          columns={SECRET_ENV_COLUMNS}
          item="secret variable"
          errorKey="training.secretEnv"
          errors={errors}
          warnings={warnings}
          onCellBlur={onFileBlur}
          addLabel="Add secret variable"
          empty="None."
          newRow={() => ({ name: '', file: '' })}
          onChange={(secretEnv) => onChange({ secretEnv })}
          testId="secret-env"
        />
      </section>
    </div>
  );
}
