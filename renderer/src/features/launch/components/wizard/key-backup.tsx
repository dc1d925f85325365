import type { KeyFileInfo } from '../../../../../../shared/domain/account';
import type { AppError } from '../../../../../../shared/ipc/result';
import { Button } from '../../../../components/button';
import { ErrorCallout } from '../../../../components/error-callout';
import { Field } from '../../../../components/forms/field';
import { CheckIcon } from '../../../../components/icons/ui-icons';

/** The backup row's state, from its store. */
export interface KeyBackupState {
  path: string;
  busy: boolean;
  /** The fingerprint of the key the last export was of. */
  forKey: string;
  exported: KeyFileInfo | undefined;
  error: AppError | undefined;
}

interface KeyBackupProps {
  backup: KeyBackupState;
  /** The key being backed up: the last export's outcome is shown only when it was of this key. */
  fingerprint: string;
  onPathChange: (path: string) => void;
  onExport: () => void;
}

/** Export key: a plain copy to a new file, the backup that outlives this computer (and the file the CLI reads). */
export function KeyBackup({ backup, fingerprint, onPathChange, onExport }: KeyBackupProps) {
  const current = backup.forKey === fingerprint;
  const done = current ? backup.exported : undefined;
  return (
    <div className="key-panel__backup" data-testid="key-backup">
      <div className="key-panel__row">
        <Field
          label="Back up the key to"
          name="key.backup"
          hint="A new file with a plain copy (mode 0600; an existing file is never overwritten). Move it somewhere safe, off this computer. The CLI reads this copy."
        >
          <input
            className="input input--mono"
            value={backup.path}
            onChange={(e) => onPathChange(e.target.value)}
            placeholder="~/traindeck-key-backup.key"
            spellCheck={false}
          />
        </Field>
        <Button onClick={onExport} loading={backup.busy} disabled={!backup.path.trim()} data-testid="key-export">
          Export key
        </Button>
      </div>
      {done && (
        <p className="key-panel__fingerprint" data-testid="key-exported">
          <CheckIcon size={13} /> Copied to <code className="code--short">{done.path}</code>
        </p>
      )}
      {current && backup.error && <ErrorCallout error={backup.error} title="The key was not exported" />}
    </div>
  );
}
