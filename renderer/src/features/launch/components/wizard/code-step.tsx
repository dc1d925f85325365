import { EditableRows, type RowColumn } from '../../../../components/forms/editable-rows';
import { Field } from '../../../../components/forms/field';
import { Segmented } from '../../../../components/forms/segmented';
import type { WizardDraft } from '../../wizard/draft';
import type { StepProps } from './step-props';

const OVERRIDE_COLUMNS: Array<RowColumn<WizardDraft['code']['overrides'][number]>> = [
  { kind: 'text', field: 'source', label: 'Local file', mono: true, placeholder: '~/work/resnet/local.yaml' },
  {
    kind: 'text',
    field: 'target',
    label: 'Target path',
    header: 'Target path in the repo',
    mono: true,
    placeholder: 'configs/local.yaml',
  },
];

/** Step 3: the repository, the branch or commit, the deploy key, and local files copied over the checkout. */
export function CodeStep({ value, errors, warnings = {}, onFileBlur, onChange }: StepProps<'code'>) {
  return (
    <div className="wizard-step-body">
      <div className="field-grid">
        <Field
          label="Repository URL"
          name="code.repoUrl"
          error={errors['code.repoUrl']}
          hint="ssh (git@github.com:owner/repo.git) or https."
          className="field--wide"
        >
          <input
            className="input input--mono"
            value={value.repoUrl}
            onChange={(e) => onChange({ repoUrl: e.target.value })}
            placeholder="git@github.com:acme/resnet.git"
            spellCheck={false}
          />
        </Field>
        <Field group label="Check out" name="code.refKind">
          <Segmented
            label="Check out a branch or a commit"
            name="ref-kind"
            value={value.refKind}
            options={[
              { value: 'branch', label: 'Branch' },
              { value: 'commit', label: 'Commit' },
            ]}
            onChange={(refKind) => onChange({ refKind })}
          />
        </Field>
        <Field label={value.refKind === 'branch' ? 'Branch' : 'Commit'} name="code.ref" error={errors['code.ref']}>
          <input
            className="input input--mono"
            value={value.ref}
            onChange={(e) => onChange({ ref: e.target.value })}
            placeholder={value.refKind === 'branch' ? 'main' : '3f2a9c1'}
            spellCheck={false}
          />
        </Field>
        <Field
          label="Deploy key file"
          name="code.deployKeyFile"
          error={errors['code.deployKeyFile']}
          warning={warnings['code.deployKeyFile']}
          hint="A read-only deploy key on this machine (the private key file, not the .pub)."
          details="An OpenSSH private key. It goes to the instance's RAM only, never its disk."
          className="field--wide"
        >
          <input
            className="input input--mono"
            value={value.deployKeyFile}
            onChange={(e) => onChange({ deployKeyFile: e.target.value })}
            onBlur={() => onFileBlur?.('code.deployKeyFile')}
            placeholder="~/.ssh/resnet_deploy_key"
            spellCheck={false}
          />
        </Field>
        <Field
          label="Git server host key (optional)"
          name="code.knownHosts"
          error={errors['code.knownHosts']}
          hint="Not needed for github.com: its published keys are built in."
          details="For another git server over ssh, paste its known_hosts line (ssh-keyscan -p PORT HOST); the checkout refuses any other key."
          className="field--wide"
        >
          <textarea
            className="textarea"
            rows={2}
            value={value.knownHosts}
            onChange={(e) => onChange({ knownHosts: e.target.value })}
            placeholder="[git.example.com]:22 ssh-ed25519 AAAAC3Nz…"
            spellCheck={false}
          />
        </Field>
      </div>
      <section className="wizard-subsection" aria-labelledby="overrides-title">
        <h3 id="overrides-title" className="wizard-subsection__title">
          Override files
        </h3>
        <p className="wizard-subsection__text">
          Local files copied over the checkout before training, e.g. a config with local settings.
        </p>
        <EditableRows
          rows={value.overrides}
          columns={OVERRIDE_COLUMNS}
          item="override"
          errorKey="code.overrides"
          errors={errors}
          warnings={warnings}
          onCellBlur={onFileBlur}
          addLabel="Add override file"
          empty="No overrides: the repository is used as it is."
          newRow={() => ({ source: '', target: '' })}
          onChange={(overrides) => onChange({ overrides })}
          testId="overrides"
        />
      </section>
    </div>
  );
}
