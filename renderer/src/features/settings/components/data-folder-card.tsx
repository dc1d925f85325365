import { useState } from 'react';

import type { AppError } from '../../../../../shared/ipc/result';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { ErrorCallout } from '../../../components/error-callout';
import { Field } from '../../../components/forms/field';
import { plainSettingsError } from './settings-error';

import './settings-cards.css';

/**
 * Where runs started from this window keep their local copy of the synced folders. Main chooses
 * it: a folder dialog in the desktop app; in browser mode a typed path that main accepts only
 * inside the folders the host may write to.
 */
export function DataFolderCard({
  folder,
  browser,
  error,
  saving,
  onChoose,
  onReset,
}: {
  folder: string | undefined;
  /** Browser mode: no folder dialog, the path is typed. */
  browser: boolean;
  error: AppError | undefined;
  saving: boolean;
  onChoose: (path: string | undefined) => Promise<boolean>;
  onReset: () => void;
}) {
  const [typed, setTyped] = useState('');
  return (
    <Card
      title="Data folder"
      subtitle="Where runs keep their local copy of the synced folders"
      testId="settings-data-folder"
    >
      <div className="settings-card__body">
        <p className="settings-path selectable" data-testid="data-folder">
          {folder ?? 'Default: data in your home folder'}
        </p>
        {browser ? (
          <Field label="New folder" name="settings.dataFolder" hint="An absolute path the browser host may write to.">
            <input
              className="input input--mono"
              value={typed}
              placeholder="/home/you/traindeck-data"
              onChange={(e) => setTyped(e.target.value)}
            />
          </Field>
        ) : null}
        <div className="settings-card__actions">
          {folder && (
            <Button onClick={onReset} disabled={saving}>
              Use the default
            </Button>
          )}
          <Button
            loading={saving}
            disabled={browser && !typed.trim()}
            onClick={() => void onChoose(browser ? typed.trim() : folder).then((ok) => ok && setTyped(''))}
            data-testid="data-folder-choose"
          >
            {browser ? 'Use this folder' : 'Change…'}
          </Button>
        </div>
        {error && <ErrorCallout error={plainSettingsError(error)} />}
      </div>
    </Card>
  );
}
