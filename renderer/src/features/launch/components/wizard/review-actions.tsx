import { useId, useState } from 'react';

import { sameTemplateName } from '../../../../../../shared/domain/template-name';
import type { AppError } from '../../../../../../shared/ipc/result';
import type { RunConfig } from '../../../../../../shared/run-config/schema';
import { Button } from '../../../../components/button';
import { ErrorCallout } from '../../../../components/error-callout';
import { CheckIcon } from '../../../../components/icons/ui-icons';

import './review-step.css';

/** The Review step's actions and their outcomes. */
export interface ReviewActionsProps {
  config: RunConfig;
  saving: boolean;
  savedAs: string | undefined;
  /** The template the wizard was opened from: its name is proposed, and saving under it updates it. */
  openedTemplate?: string | undefined;
  /** A save refused because the name is taken by `existing`: replace it, or keep it (and pick another name). */
  nameTaken?: { name: string; existing: string } | undefined;
  exported: { path: string; json: string } | undefined;
  actionError: AppError | undefined;
  launchError: AppError | undefined;
  /** Saves under `name`; `replace` only when the user chose to replace the template of that name. */
  onSave: (name: string, replace: boolean) => void;
  onKeepTaken?: () => void;
  onExport: () => void;
  onCopy: (text: string) => void;
}

/**
 * What the template name field suggests while empty: the repo and its branch (or commit), what a
 * template is usually told apart by, e.g. "e.g. resnet-train on main".
 */
export function templateNameHint(config: Pick<RunConfig, 'code'>): string {
  const repo = (config.code?.repoUrl ?? '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .split(/[/:]/)
    .pop();
  const ref = config.code?.branch ?? config.code?.commit?.slice(0, 7);
  return repo ? `e.g. ${repo}${ref ? ` on ${ref}` : ''}` : 'e.g. resnet nightly';
}

/** Save as template, export JSON for the CLI, and what Launch said (Launch itself is in the sticky footer). */
export function ReviewActions({
  config,
  saving,
  savedAs,
  openedTemplate,
  nameTaken,
  exported,
  actionError,
  launchError,
  onSave,
  onKeepTaken,
  onExport,
  onCopy,
}: ReviewActionsProps) {
  // A template is what many runs start from: it is named by the user, never after one run (the run's
  // name); opened from a template, the wizard proposes that template's name, so Save updates it knowingly.
  const [name, setName] = useState(openedTemplate ?? '');
  const nameId = useId();
  const updating = openedTemplate !== undefined && sameTemplateName(name, openedTemplate);
  return (
    <section className="review__section review__actions" aria-label="Save, export and launch">
      <div className="review__row">
        <label htmlFor={nameId} className="review__row-label">
          Template name
        </label>
        <input
          id={nameId}
          className="input"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={templateNameHint(config)}
          data-testid="template-name"
        />
        <Button
          onClick={() => onSave(name.trim(), updating)}
          loading={saving}
          disabled={!name.trim()}
          data-testid="template-save"
        >
          {updating ? 'Update template' : 'Save as template'}
        </Button>
        <Button onClick={onExport} data-testid="export-json">
          Export JSON
        </Button>
      </div>
      {nameTaken && (
        <div className="review__taken" role="alert" data-testid="template-taken">
          <p>
            A template named “{nameTaken.existing}” already exists. Replace it with this wizard, or keep it and save
            under another name.
          </p>
          <div className="review__taken-actions">
            <Button
              variant="danger"
              size="sm"
              onClick={() => onSave(nameTaken.name, true)}
              data-testid="template-replace"
            >
              Replace “{nameTaken.existing}”
            </Button>
            <Button size="sm" onClick={() => onKeepTaken?.()} data-testid="template-keep">
              Keep it
            </Button>
          </div>
        </div>
      )}
      {savedAs && (
        <p className="review__ok" data-testid="template-saved">
          <CheckIcon size={13} /> Saved as template “{savedAs}”.
        </p>
      )}
      {exported && (
        <div className="review__export" data-testid="exported">
          <p className="review__ok">
            <CheckIcon size={13} /> Written to <code className="selectable">{exported.path}</code> — run{' '}
            <code className="code--short">traindeck preflight --config {exported.path.split('/').pop()}</code>
          </p>
          <Button size="sm" onClick={() => onCopy(exported.json)}>
            Copy JSON
          </Button>
          <pre
            className="code-block review__json selectable"
            data-testid="exported-json"
            tabIndex={0}
            aria-label="Exported run config"
          >
            {exported.json}
          </pre>
        </div>
      )}
      {actionError && <ErrorCallout error={actionError} />}
      {launchError && <ErrorCallout error={launchError} title="Not launched" />}
    </section>
  );
}
