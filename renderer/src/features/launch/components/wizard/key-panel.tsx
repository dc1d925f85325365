import type { KeyFileInfo } from '../../../../../../shared/domain/account';
import type { AppError } from '../../../../../../shared/ipc/result';
import { Button } from '../../../../components/button';
import { ErrorCallout } from '../../../../components/error-callout';
import { Field } from '../../../../components/forms/field';
import { Segmented } from '../../../../components/forms/segmented';
import { AlertIcon, CheckIcon, LockIcon } from '../../../../components/icons/ui-icons';
import type { WizardDraft } from '../../wizard/draft';
import { KeyBackup, type KeyBackupState } from './key-backup';
import { KeyStorage } from './key-storage';

import './key-panel.css';

/** What main last said about the key (never its bytes), from the stores. */
export interface KeyStatus {
  busy: boolean;
  error: AppError | undefined;
  info: KeyFileInfo | undefined;
}

/** The key panel's store actions, wired by the page. */
export interface KeyActions {
  onPrepare: () => void;
  onSeal: () => void;
  onBackupPathChange: (path: string) => void;
  onExport: () => void;
  /** Generate key met a file already there: use that file as the key instead (checked like an import). */
  onUseExisting: () => void;
}

interface KeyPanelProps {
  value: WizardDraft['data'];
  error: string | undefined;
  warning: string | undefined;
  /** The key file field lost focus (an imported key is checked through main then). */
  onBlur: () => void;
  status: KeyStatus;
  backup: KeyBackupState;
  actions: KeyActions;
  onChange: (patch: Partial<WizardDraft['data']>) => void;
}

/**
 * The SSE-C key: generate a new key file or import one; only its fingerprint is shown, ever.
 * Once it is ready: how it is stored, a sealed copy where that is possible, and Export key,
 * because the warning below means it.
 */
export function KeyPanel({ value, error, warning, onBlur, status, backup, actions, onChange }: KeyPanelProps) {
  const generate = value.keyMode === 'generate';
  // Main's description belongs to the key in the draft only while path and fingerprint still match.
  const info =
    status.info &&
    value.keyFingerprint &&
    status.info.fingerprint === value.keyFingerprint &&
    status.info.path === value.keyPath
      ? status.info
      : undefined;
  const sealed = info?.storage === 'os-keychain';
  return (
    <section className="key-panel" aria-labelledby="key-title" data-testid="key-panel">
      <h3 id="key-title" className="wizard-subsection__title">
        <LockIcon size={13} /> Encryption key (SSE-C)
      </h3>
      <Segmented
        label="Generate or import the key"
        name="key-mode"
        value={value.keyMode}
        options={[
          { value: 'generate', label: 'Generate a new key' },
          { value: 'import', label: 'Use an existing key file' },
        ]}
        onChange={(keyMode) => onChange({ keyMode, keyFingerprint: '' })}
      />
      <div className="key-panel__row">
        <Field
          label={generate ? 'Save the new key to' : 'Key file'}
          name="storage.key"
          error={error}
          warning={warning}
          hint="A file on the machine that runs TrainDeck. The key itself is never shown, logged or stored on the instance's disk."
        >
          <input
            className="input input--mono"
            value={value.keyPath}
            onChange={(e) => onChange({ keyPath: e.target.value, keyFingerprint: '' })}
            onBlur={onBlur}
            spellCheck={false}
          />
        </Field>
        <Button
          onClick={actions.onPrepare}
          loading={status.busy && !value.keyFingerprint}
          disabled={!value.keyPath.trim() || (generate && Boolean(value.keyFingerprint))}
          data-testid="key-prepare"
        >
          {generate ? (value.keyFingerprint ? 'Generated' : 'Generate key') : 'Check key file'}
        </Button>
      </div>
      {value.keyFingerprint && (
        <p className="key-panel__fingerprint" data-testid="key-fingerprint">
          <CheckIcon size={13} /> Fingerprint <code className="code--short">{value.keyFingerprint}</code>
        </p>
      )}
      {info && (
        <KeyStorage
          info={info}
          offerSeal={!generate && !sealed && info.canSeal}
          busy={status.busy}
          onSeal={actions.onSeal}
        />
      )}
      {status.error && (
        <ErrorCallout
          error={status.error}
          title={
            info ? 'No sealed copy was made' : generate ? 'The key was not created' : 'The key file cannot be used'
          }
        />
      )}
      {status.error?.code === 'CONFLICT' && generate && !info && (
        <div className="key-panel__row">
          <Button onClick={actions.onUseExisting} data-testid="key-use-existing">
            Use this existing key
          </Button>
        </div>
      )}
      {value.keyFingerprint && (
        <KeyBackup
          backup={backup}
          fingerprint={value.keyFingerprint}
          onPathChange={actions.onBackupPathChange}
          onExport={actions.onExport}
        />
      )}
      <p className="key-panel__warning" role="note">
        <AlertIcon size={14} />
        <span>
          <strong>Losing this key loses the data.</strong> S3 stores only what the key encrypts; AWS cannot recover it.
          Export a copy and keep it somewhere safe, such as a password manager or an offline drive.
          {sealed &&
            ' The sealed file opens only on this computer: after a new computer, another user account or a reset keychain, only the exported copy can read the data.'}
        </span>
      </p>
    </section>
  );
}
