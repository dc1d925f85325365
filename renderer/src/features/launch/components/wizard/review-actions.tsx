import { useId, useState } from 'react';

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
  exported: { path: string; json: string } | undefined;
  actionError: AppError | undefined;
  launchError: AppError | undefined;
  onSave: (name: string) => void;
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
  exported,
  actionError,
  launchError,
  onSave,
  onExport,
  onCopy,
}: ReviewActionsProps) {
  // A template is what many runs start from: it is named by the user, never after one run (the run's name).
  const [name, setName] = useState('');
  const nameId = useId();
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
          onClick={() => onSave(name.trim())}
          loading={saving}
          disabled={!name.trim()}
          data-testid="template-save"
        >
          Save as template
        </Button>
        <Button onClick={onExport} data-testid="export-json">
          Export JSON
        </Button>
      </div>
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
