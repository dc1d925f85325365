import { EditableRows, type RowColumn } from '../../../../components/forms/editable-rows';
import { Field } from '../../../../components/forms/field';
import type { WizardDraft } from '../../wizard/draft';
import type { StepProps } from './step-props';

const ENV_COLUMNS: Array<RowColumn<WizardDraft['training']['env'][number]>> = [
  { kind: 'text', field: 'name', label: 'Name', mono: true, placeholder: 'WANDB_MODE', isName: true },
  { kind: 'text', field: 'value', label: 'Value', mono: true, placeholder: 'offline' },
];

/** Step 5: the command that trains, and its environment. */
export function TrainingStep({ value, errors, onChange }: StepProps<'training'>) {
  return (
    <div className="wizard-step-body">
      <Field
        label="Command"
        name="training.command"
        error={errors['training.command']}
        hint="Run from the repository root, detached from SSH; output goes to logs/RUN-ID/train.log. The data folders are in DATA_DIR, CHECKPOINT_DIR… env vars."
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
          empty="None. Secrets do not belong here: they would be visible on the instance."
          newRow={() => ({ name: '', value: '' })}
          onChange={(env) => onChange({ env })}
          testId="env"
        />
      </section>
    </div>
  );
}
