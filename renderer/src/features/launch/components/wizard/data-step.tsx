import { useState } from 'react';

import { Button } from '../../../../components/button';
import { Disclosure } from '../../../../components/disclosure';
import { Field } from '../../../../components/forms/field';
import { readBucketInput } from '../../wizard/bucket-input';
import { FolderTable } from './folder-table';
import type { KeyBackupState } from './key-backup';
import { type KeyActions, KeyPanel, type KeyStatus } from './key-panel';
import type { StepProps } from './step-props';

interface DataStepProps extends StepProps<'data'> {
  keyStatus: KeyStatus;
  keyBackup: KeyBackupState;
  keyActions: KeyActions;
  /** The prefix proposed from the run name, offered while the prefix is empty. */
  proposedPrefix: string;
}

/** Step 4: where the data lives in S3, how each folder syncs, and the key that encrypts it. */
export function DataStep({
  value,
  errors,
  warnings = {},
  onFileBlur,
  keyStatus,
  keyBackup,
  keyActions,
  proposedPrefix,
  onChange,
}: DataStepProps) {
  // Said once, where the user typed: what reading an s3:// URL changed.
  const [bucketNote, setBucketNote] = useState<string | undefined>();
  const typeBucket = (typed: string) => {
    const read = readBucketInput(typed);
    setBucketNote(read.note);
    onChange({ bucket: read.bucket, ...(read.prefix && !value.prefix.trim() ? { prefix: read.prefix } : {}) });
  };
  return (
    <div className="wizard-step-body">
      <div className="field-grid">
        <Field
          label="Bucket"
          name="storage.bucket"
          error={errors['storage.bucket']}
          hint={
            bucketNote ? (
              <span data-testid="bucket-note">{bucketNote}</span>
            ) : (
              'The name of an existing S3 bucket, e.g. acme-ml-data; versioning off.'
            )
          }
        >
          <input
            className="input input--mono"
            value={value.bucket}
            onChange={(e) => typeBucket(e.target.value)}
            placeholder="acme-ml-data"
            spellCheck={false}
          />
        </Field>
        <Field
          label="Prefix"
          name="storage.prefix"
          error={errors['storage.prefix']}
          hint={
            <>
              The run&apos;s folder in the bucket; the instance may touch nothing else.{' '}
              {value.prefix ? null : (
                <Button variant="ghost" size="sm" onClick={() => onChange({ prefix: proposedPrefix })}>
                  Use {proposedPrefix}
                </Button>
              )}
            </>
          }
        >
          <input
            className="input input--mono"
            value={value.prefix}
            onChange={(e) => onChange({ prefix: e.target.value })}
            placeholder={proposedPrefix}
            spellCheck={false}
          />
        </Field>
      </div>
      <section className="wizard-subsection" aria-labelledby="folders-title">
        <h3 id="folders-title" className="wizard-subsection__title">
          Folders
        </h3>
        <p className="wizard-subsection__text">Each folder of the instance's data directory and its S3 prefix.</p>
        <Disclosure summary="What the policies do">
          Pull only: S3 is the truth, never written. Local wins: the push overwrites S3. Newest wins: the newer file,
          both ways. A push only deletes what the last pull saw.
        </Disclosure>
        <FolderTable
          folders={value.folders}
          prefix={value.prefix}
          errors={errors}
          onChange={(folders) => onChange({ folders })}
        />
      </section>
      <KeyPanel
        value={value}
        error={errors['storage.key']}
        warning={warnings['storage.key']}
        onBlur={() => onFileBlur?.('storage.key')}
        status={keyStatus}
        backup={keyBackup}
        actions={keyActions}
        onChange={onChange}
      />
    </div>
  );
}
