import { useId, useState } from 'react';

import type { CostResource } from '../../../../../shared/domain/cost';
import { untrackedPhrase } from '../../../../../shared/domain/kill-all';
import type { AppError, Result } from '../../../../../shared/ipc/result';
import { Button } from '../../../components/button';
import { ErrorCallout } from '../../../components/error-callout';
import { PowerIcon } from '../../../components/icons/ui-icons';
import { formatHourly } from '../../../format/money';
import { useShownModal } from '../../../hooks/use-shown-modal';
import type { KillAllChoice } from '../stores/costs';
import { ResourceTable } from './resource-table';

import './kill-dialog.css';

interface KillDialogProps {
  ours: CostResource[];
  untracked: CostResource[];
  error: AppError | undefined;
  busy: boolean;
  onConfirm: (choice: KillAllChoice) => void;
  onClose: () => void;
  /** Asks main to show the phrase for these untracked ids outside the window; says where it was shown. */
  requestPhrase: (resourceIds: string[]) => Promise<Result<{ count: number; shownIn: string }>>;
}

/**
 * The confirmation of kill-all: exactly what will be deleted, TrainDeck's resources first;
 * untracked ones only when ticked and confirmed by typing the phrase main showed outside this
 * window ("delete N untracked" and a random word): the page cannot know it, main re-checks it.
 * Mount it to show it; it starts fresh every time.
 */
export function KillDialog({ ours, untracked, error, busy, onConfirm, onClose, requestPhrase }: KillDialogProps) {
  const ref = useShownModal();
  const titleId = useId();
  const phraseId = useId();
  const [includeUntracked, setIncludeUntracked] = useState(false);
  const [phrase, setPhrase] = useState('');
  const [shownIn, setShownIn] = useState<string | undefined>();
  const [asking, setAsking] = useState(false);
  const [phraseError, setPhraseError] = useState<AppError | undefined>();

  const expected = untrackedPhrase(untracked.length);
  const targets = includeUntracked ? [...ours, ...untracked] : ours;
  // Only the shape is checked here; the word is known to main and to the user, not to this page.
  const phraseOk = !includeUntracked || (shownIn !== undefined && phrase.trim().startsWith(`${expected} `));
  const askPhrase = async () => {
    setAsking(true);
    setPhraseError(undefined);
    const result = await requestPhrase(untracked.map((r) => r.id));
    setAsking(false);
    if (result.ok) {
      setShownIn(result.value.shownIn);
      setPhrase('');
    } else {
      setPhraseError(result.error);
    }
  };
  const total = targets.reduce((sum, r) => sum + (r.hourlyUsd ?? 0), 0);
  const confirm = () =>
    onConfirm({
      resourceIds: targets.map((r) => r.id),
      includeUntracked,
      ...(includeUntracked ? { confirmation: phrase.trim() } : {}),
    });

  return (
    <dialog
      ref={ref}
      className="kill-dialog"
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={onClose}
      data-testid="kill-dialog"
    >
      <header className="kill-dialog__header">
        <span className="kill-dialog__icon" aria-hidden="true">
          <PowerIcon size={18} />
        </span>
        <div>
          <h2 id={titleId}>
            Delete {targets.length} cost resource{targets.length === 1 ? '' : 's'}?
          </h2>
          <p>
            Instances are terminated first, then what they held. Every region is rescanned afterwards to prove it. This
            cannot be undone.
          </p>
        </div>
      </header>
      <div className="kill-dialog__body">
        <h3 className="kill-dialog__section">Made by TrainDeck ({ours.length})</h3>
        {ours.length ? (
          <ResourceTable
            resources={ours}
            compact
            caption="TrainDeck resources that will be deleted"
            testId="kill-list-ours"
          />
        ) : (
          <p className="kill-dialog__none">None.</p>
        )}
        {untracked.length > 0 && (
          <div className="kill-dialog__untracked">
            <label className="kill-dialog__check">
              <input
                type="checkbox"
                checked={includeUntracked}
                onChange={(e) => setIncludeUntracked(e.target.checked)}
                data-testid="include-untracked"
              />
              Also delete {untracked.length} untracked resource{untracked.length === 1 ? '' : 's'} (not made by
              TrainDeck)
            </label>
            <ResourceTable resources={untracked} compact caption="Untracked resources" testId="kill-list-untracked" />
            {includeUntracked && (
              <div className="kill-dialog__phrase">
                <p className="kill-dialog__phrase-note">
                  TrainDeck shows the confirmation phrase outside this window, where a page cannot read it.
                  {shownIn ? ` It was shown in ${shownIn}; each phrase works once.` : ''}
                </p>
                <Button onClick={() => void askPhrase()} loading={asking} data-testid="untracked-ask">
                  {shownIn ? 'Show a new phrase' : 'Show the phrase'}
                </Button>
                {shownIn && (
                  <>
                    <label htmlFor={phraseId}>
                      Type the phrase (it starts with <code className="code--short">{expected}</code>) to confirm
                    </label>
                    <input
                      id={phraseId}
                      className="input"
                      value={phrase}
                      onChange={(e) => setPhrase(e.target.value)}
                      autoComplete="off"
                      spellCheck={false}
                      data-testid="untracked-phrase"
                      aria-invalid={phrase.length > 0 && !phraseOk}
                    />
                  </>
                )}
                {phraseError && <ErrorCallout error={phraseError} title="The phrase could not be shown" />}
              </div>
            )}
          </div>
        )}
        {error && <ErrorCallout error={error} title="Kill-all did not start" />}
      </div>
      <footer className="kill-dialog__footer">
        <span className="kill-dialog__total tabular">Stops {formatHourly(total)}</span>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="danger"
          icon={<PowerIcon size={15} />}
          disabled={!phraseOk || targets.length === 0}
          loading={busy}
          onClick={confirm}
          data-testid="kill-confirm"
        >
          Delete {targets.length} resource{targets.length === 1 ? '' : 's'}
        </Button>
      </footer>
    </dialog>
  );
}
