import type { AppError } from '../../../../shared/ipc/result';
import type { WizardDraft } from '../../wizard/draft';
import { Button } from '../button';
import { ErrorCallout } from '../error-callout';
import { Field } from '../forms/field';
import { Segmented } from '../forms/segmented';
import { AlertIcon, CheckIcon, LockIcon } from '../icons/ui-icons';
import './key-panel.css';

interface KeyPanelProps {
  value: WizardDraft['data'];
  error: string | undefined;
  busy: boolean;
  actionError: AppError | undefined;
  onChange: (patch: Partial<WizardDraft['data']>) => void;
  onPrepare: () => void;
}

/** The SSE-C key: generate a new key file or import one; only its fingerprint is shown, ever. */
export function KeyPanel({ value, error, busy, actionError, onChange, onPrepare }: KeyPanelProps) {
  const generate = value.keyMode === 'generate';
  return (
    <section className="key-panel" aria-labelledby="key-title" data-testid="key-panel">
      <h3 id="key-title" className="wizard-subsection__title">
        <LockIcon size={13} /> Encryption key (SSE-C)
      </h3>
      <Segmented label="Generate or import the key" name="key-mode" value={value.keyMode} options={[{ value: 'generate', label: 'Generate a new key' }, { value: 'import', label: 'Use an existing key file' }]} onChange={(keyMode) => onChange({ keyMode, keyFingerprint: '' })} />
      <div className="key-panel__row">
        <Field label={generate ? 'Save the new key to' : 'Key file'} name="storage.key" error={error} hint="A file on the machine that runs TrainDeck (mode 0600). The key itself is never shown, logged or stored on the instance's disk.">
          <input className="input input--mono" value={value.keyPath} onChange={(e) => onChange({ keyPath: e.target.value, keyFingerprint: '' })} spellCheck={false} />
        </Field>
        <Button onClick={onPrepare} loading={busy} disabled={!value.keyPath.trim() || (generate && Boolean(value.keyFingerprint))} data-testid="key-prepare">
          {generate ? (value.keyFingerprint ? 'Generated' : 'Generate key') : 'Check key file'}
        </Button>
      </div>
      {value.keyFingerprint && (
        <p className="key-panel__fingerprint" data-testid="key-fingerprint">
          <CheckIcon size={13} /> Fingerprint <code className="code--short">{value.keyFingerprint}</code>
        </p>
      )}
      {actionError && <ErrorCallout error={actionError} title={generate ? 'The key was not created' : 'The key file cannot be used'} />}
      <p className="key-panel__warning" role="note">
        <AlertIcon size={14} />
        <span>
          <strong>Losing this key loses the data.</strong> S3 stores only what the key encrypts; AWS cannot recover it. Keep a copy somewhere safe, such as a password manager.
        </span>
      </p>
    </section>
  );
}
