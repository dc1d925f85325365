import { useId, useState } from 'react';

import type { CostResource } from '../../../../../shared/domain/cost';
import { untrackedPhrase } from '../../../../../shared/domain/kill-all';
import type { AppError, Result } from '../../../../../shared/ipc/result';
import { countOf } from '../../../../../shared/text/plural';
import { Button } from '../../../components/button';
import { ErrorCallout } from '../../../components/error-callout';
import { AlertIcon, PowerIcon } from '../../../components/icons/ui-icons';
import { formatHourly } from '../../../format/money';
import { useShownModal } from '../../../hooks/use-shown-modal';
import type { KillAllChoice } from '../stores/costs';
import { groupByRun } from '../view/resource-view';
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
  /** Runs still training: deleting their instance ends the training (the dialog warns per run). */
  trainingRunIds?: ReadonlySet<string>;
  /** Tick "also delete untracked" from the start (a per-row Delete of one untracked resource). */
  untrackedChosen?: boolean;
  /** The title's verb phrase, e.g. "Tear down run r1" (default: "Delete N cost resources"). */
  title?: string;
}

/**
 * The confirmation of kill-all: exactly what will be deleted, TrainDeck's resources first;
 * untracked ones only when ticked and confirmed by typing the phrase main showed outside this
 * window ("delete N untracked" and a random word): the page cannot know it, main re-checks it.
 * Mount it to show it; it starts fresh every time.
 */
export function KillDialog({
  ours,
  untracked,
  error,
  busy,
  onConfirm,
  onClose,
  requestPhrase,
  trainingRunIds = new Set(),
  untrackedChosen = false,
  title,
}: KillDialogProps) {
  const ref = useShownModal();
  const titleId = useId();
  const phraseId = useId();
  const [includeUntracked, setIncludeUntracked] = useState(untrackedChosen);
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
          <h2 id={titleId}>{title ?? `Delete ${countOf(targets.length, 'cost resource')}?`}</h2>
          <p>
            Instances are terminated first, then what they held. Every region is rescanned afterwards to prove it. This
            cannot be undone.
          </p>
        </div>
      </header>
      <div className="kill-dialog__body">
        <h3 className="kill-dialog__section">Made by TrainDeck ({ours.length})</h3>
        {ours.length ? (
          groupByRun(ours).map((group) => (
            <div key={group.runId ?? ''} className="kill-dialog__run" data-testid={`kill-run-${group.runId ?? 'none'}`}>
              <h4 className="kill-dialog__run-title">
                {group.runId ? (
                  <>
                    Run <span className="mono">{group.runId}</span>
                  </>
                ) : (
                  'No run tag'
                )}{' '}
                · {countOf(group.resources.length, 'resource')}
              </h4>
              {group.runId && trainingRunIds.has(group.runId) && (
                <p className="kill-dialog__training" role="alert" data-testid="kill-run-training">
                  <AlertIcon size={14} /> This run is still training: deleting its instance stops the training now,
                  without pushing its data. Stop it on the Runs page instead to keep the data.
                </p>
              )}
              <ResourceTable
                resources={group.resources}
                caption={`Resources of ${group.runId ? `run ${group.runId}` : 'no run'} that will be deleted`}
              />
            </div>
          ))
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
              Also delete {countOf(untracked.length, 'untracked resource')} (not made by TrainDeck)
            </label>
            <ResourceTable resources={untracked} caption="Untracked resources" testId="kill-list-untracked" />
          </div>
        )}
        {error && <ErrorCallout error={error} title="Kill-all did not start" />}
      </div>
      {/* Outside the scrolling list: the phrase is the last step, so it stays in view however long the list. */}
      {includeUntracked && untracked.length > 0 && (
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
          Delete {countOf(targets.length, 'resource')}
        </Button>
      </footer>
    </dialog>
  );
}
