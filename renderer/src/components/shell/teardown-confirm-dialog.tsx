import { useId } from 'react';

import type { UnfinishedRun } from '../../../../shared/ipc/run-commands';
import { useShownModal } from '../../hooks/use-shown-modal';
import { Button } from '../button';
import { PowerIcon } from '../icons/ui-icons';
import { billingLabel, whereLabel } from './reattach-banner-labels';

// The same modal frame as kill-all's confirmation.
import '../../features/costs/components/kill-dialog.css';
import './reattach-banner.css';

/**
 * Confirms the teardown of an unfinished run, saying what happens to its training first:
 * stopped (with its grace period), pushed, verified, then what TrainDeck made is deleted.
 */
export function TeardownConfirmDialog({
  run,
  onConfirm,
  onClose,
}: {
  run: UnfinishedRun;
  onConfirm(): void;
  onClose(): void;
}) {
  const ref = useShownModal();
  const titleId = useId();
  const bodyId = useId();
  return (
    <dialog
      ref={ref}
      className="kill-dialog teardown-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onClose={onClose}
      onCancel={onClose}
      data-testid="teardown-dialog"
    >
      <header className="kill-dialog__header">
        <span className="kill-dialog__icon" aria-hidden="true">
          <PowerIcon size={18} />
        </span>
        <div>
          <h2 id={titleId}>Tear down {run.name}?</h2>
          <p>
            {whereLabel(run)} · {billingLabel(run)}
          </p>
        </div>
      </header>
      <div className="kill-dialog__body" id={bodyId}>
        <p>{trainingFate(run)}</p>
        <p>{deletionFate(run)}</p>
      </div>
      <footer className="kill-dialog__footer">
        <span className="kill-dialog__total">Reattach instead to let the training finish.</span>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="danger" icon={<PowerIcon size={15} />} onClick={onConfirm} data-testid="teardown-confirm">
          Stop and tear down
        </Button>
      </footer>
    </dialog>
  );
}

function trainingFate(run: UnfinishedRun): string {
  if (run.betweenAttempts !== undefined) {
    return `AWS took the last machine back after a spot interruption and attempt ${run.betweenAttempts} was not launched yet, so nothing trains: tearing down ends the run without relaunching it.`;
  }
  if (!run.canFollow) {
    return 'TrainDeck stopped before it reached the machine, so nothing trains there: there is no training to stop.';
  }
  return 'The training is stopped now (it gets its grace period to save a checkpoint) and does not resume; what it wrote so far is pushed to S3 and verified before anything is deleted.';
}

function deletionFate(run: UnfinishedRun): string {
  if (run.backend === 'aws-ec2') {
    return 'Then the instance and everything else TrainDeck created for this run are deleted, and the account is rescanned to prove nothing of it bills any more.';
  }
  if (run.backend === 'ssh-host') {
    return 'Your machine itself is left as it is: TrainDeck created nothing there to delete.';
  }
  return "Then the run's temporary folder on this computer is removed.";
}
