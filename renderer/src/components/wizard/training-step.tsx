import type { WizardDraft } from '../../wizard/draft';
import type { FieldErrors } from '../../wizard/validate';
import { Button } from '../button';
import { Field } from '../forms/field';
import { CloseIcon } from '../icons/ui-icons';
import { RowInput } from './row-input';
import './rows.css';

interface TrainingStepProps {
  value: WizardDraft['training'];
  errors: FieldErrors;
  onChange: (patch: Partial<WizardDraft['training']>) => void;
}

/** Step 5: the command that trains, and its environment. */
export function TrainingStep({ value, errors, onChange }: TrainingStepProps) {
  const setRow = (index: number, patch: Partial<{ name: string; value: string }>) => onChange({ env: value.env.map((row, i) => (i === index ? { ...row, ...patch } : row)) });
  return (
    <div className="wizard-step-body">
      <Field label="Command" name="training.command" error={errors['training.command']} hint="Run from the repository root, detached from SSH; output goes to logs/train.log. The data folders are in DATA_DIR, CHECKPOINT_DIR… env vars.">
        <textarea className="textarea" rows={3} value={value.command} onChange={(e) => onChange({ command: e.target.value })} placeholder="python train.py --epochs 30 --data $DATA_DIR/cached_datasets" spellCheck={false} />
      </Field>
      <section className="wizard-subsection" aria-labelledby="env-title">
        <h3 id="env-title" className="wizard-subsection__title">Environment variables</h3>
        {value.env.length === 0 ? (
          <p className="rows__empty">None. Secrets do not belong here: they would be visible on the instance.</p>
        ) : (
          <table className="rows table-head" data-testid="env">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {value.env.map((row, index) => (
                <tr key={index}>
                  <td>
                    <RowInput label={`Name of variable ${index + 1}`} mono value={row.name} placeholder="WANDB_MODE" error={errors[`training.env.${index}.name`]} errorKey={`training.env.${index}.name`} onChange={(name) => setRow(index, { name })} />
                  </td>
                  <td>
                    <RowInput label={`Value of ${row.name || `variable ${index + 1}`}`} mono value={row.value} placeholder="offline" error={undefined} errorKey={`training.env.${index}.value`} onChange={(v) => setRow(index, { value: v })} />
                  </td>
                  <td>
                    <Button variant="ghost" size="sm" icon={<CloseIcon size={13} />} aria-label={`Remove variable ${row.name || index + 1}`} onClick={() => onChange({ env: value.env.filter((_, i) => i !== index) })} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Button size="sm" className="rows__add" onClick={() => onChange({ env: [...value.env, { name: '', value: '' }] })}>
          Add variable
        </Button>
      </section>
    </div>
  );
}
