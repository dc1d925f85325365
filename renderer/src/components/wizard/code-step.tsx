import type { WizardDraft } from '../../wizard/draft';
import type { FieldErrors } from '../../wizard/validate';
import { Button } from '../button';
import { Field } from '../forms/field';
import { Segmented } from '../forms/segmented';
import { CloseIcon } from '../icons/ui-icons';
import { RowInput } from './row-input';
import './rows.css';

interface CodeStepProps {
  value: WizardDraft['code'];
  errors: FieldErrors;
  onChange: (patch: Partial<WizardDraft['code']>) => void;
}

/** Step 3: the repository, the branch or commit, the deploy key, and local files copied over the checkout. */
export function CodeStep({ value, errors, onChange }: CodeStepProps) {
  const setOverride = (index: number, patch: Partial<{ source: string; target: string }>) => onChange({ overrides: value.overrides.map((o, i) => (i === index ? { ...o, ...patch } : o)) });
  return (
    <div className="wizard-step-body">
      <div className="field-grid">
        <Field label="Repository URL" name="code.repoUrl" error={errors['code.repoUrl']} hint="ssh (git@github.com:owner/repo.git) or https." className="field--wide">
          <input className="input input--mono" value={value.repoUrl} onChange={(e) => onChange({ repoUrl: e.target.value })} placeholder="git@github.com:acme/resnet.git" spellCheck={false} />
        </Field>
        <Field group label="Check out" name="code.refKind">
          <Segmented label="Check out a branch or a commit" name="ref-kind" value={value.refKind} options={[{ value: 'branch', label: 'Branch' }, { value: 'commit', label: 'Commit' }]} onChange={(refKind) => onChange({ refKind })} />
        </Field>
        <Field label={value.refKind === 'branch' ? 'Branch' : 'Commit'} name="code.ref" error={errors['code.ref']}>
          <input className="input input--mono" value={value.ref} onChange={(e) => onChange({ ref: e.target.value })} placeholder={value.refKind === 'branch' ? 'main' : '3f2a9c1'} spellCheck={false} />
        </Field>
        <Field label="Deploy key file" name="code.deployKeyFile" error={errors['code.deployKeyFile']} hint="A read-only deploy key (OpenSSH private key) on this machine; it goes to the instance's RAM only, never its disk." className="field--wide">
          <input className="input input--mono" value={value.deployKeyFile} onChange={(e) => onChange({ deployKeyFile: e.target.value })} placeholder="~/.ssh/resnet_deploy_key" spellCheck={false} />
        </Field>
      </div>
      <section className="wizard-subsection" aria-labelledby="overrides-title">
        <h3 id="overrides-title" className="wizard-subsection__title">Override files</h3>
        <p className="wizard-subsection__text">Local files copied over the checkout before training, e.g. a config with local settings.</p>
        {value.overrides.length === 0 ? (
          <p className="rows__empty">No overrides: the repository is used as it is.</p>
        ) : (
          <table className="rows table-head" data-testid="overrides">
            <thead>
              <tr>
                <th scope="col">Local file</th>
                <th scope="col">Target path in the repo</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {value.overrides.map((override, index) => (
                <tr key={index}>
                  <td>
                    <RowInput label={`Local file of override ${index + 1}`} mono value={override.source} placeholder="~/work/resnet/local.yaml" error={errors[`code.overrides.${index}.source`]} errorKey={`code.overrides.${index}.source`} onChange={(source) => setOverride(index, { source })} />
                  </td>
                  <td>
                    <RowInput label={`Target path of override ${index + 1}`} mono value={override.target} placeholder="configs/local.yaml" error={errors[`code.overrides.${index}.target`]} errorKey={`code.overrides.${index}.target`} onChange={(target) => setOverride(index, { target })} />
                  </td>
                  <td>
                    <Button variant="ghost" size="sm" icon={<CloseIcon size={13} />} aria-label={`Remove override ${index + 1}`} onClick={() => onChange({ overrides: value.overrides.filter((_, i) => i !== index) })} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Button size="sm" className="rows__add" onClick={() => onChange({ overrides: [...value.overrides, { source: '', target: '' }] })}>
          Add override file
        </Button>
      </section>
    </div>
  );
}
