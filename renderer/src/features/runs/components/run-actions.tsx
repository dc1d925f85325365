import { useState } from 'react';

import { Button } from '../../../components/button';

import './run-monitor.css';

interface RunActionsProps {
  /** The training can still be stopped (the run is running and its training has not ended). */
  canStop: boolean;
  /** A stop was asked and main has not said the training ended yet. */
  stopping: boolean;
  sshCommand: string | undefined;
  tearingDown: boolean;
  /** Only an EC2 run has cloud resources to delete; a machine of the user's is left alone. */
  canTearDown: boolean;
  /** Copies `text`; `what` names it in the "Copied" toast or the error. */
  onCopy: (text: string, what: string) => void;
  onStop: () => void;
  onTeardown: () => void;
}

/** What "Stop training" does, said before it is done: the data is kept, then (EC2) nothing bills any more. */
export function stopConsequence(cloud: boolean): string {
  return cloud
    ? 'The training gets a stop signal and its grace period, its data is pushed to S3 and verified, then the instance is torn down.'
    : 'The training gets a stop signal and its grace period, then its data is pushed to S3 and verified. Your machine is left as it is.';
}

/**
 * A run's actions: copy the SSH command, stop training (asked once, with what follows: push, verify,
 * teardown; "Stopping…" until main says the training ended), and tear down now (asked twice; gone
 * once the teardown is verified). The report has its own card.
 */
export function RunActions({
  canStop,
  stopping,
  sshCommand,
  tearingDown,
  canTearDown,
  onCopy,
  onStop,
  onTeardown,
}: RunActionsProps) {
  const [confirming, setConfirming] = useState<'stop' | 'teardown' | undefined>();
  if (confirming === 'teardown') {
    return (
      <div className="run-actions run-actions--confirm" role="group" aria-label="Confirm teardown">
        <span>Delete every resource of this run now{canStop ? ', without waiting for the push' : ''}?</span>
        <Button size="sm" onClick={() => setConfirming(undefined)}>
          Keep it
        </Button>
        <Button
          size="sm"
          variant="danger"
          onClick={() => {
            setConfirming(undefined);
            onTeardown();
          }}
          data-testid="teardown-confirm"
        >
          Tear down
        </Button>
      </div>
    );
  }
  if (confirming === 'stop' && canStop && !stopping) {
    return (
      <div className="run-actions run-actions--confirm run-actions--stop" role="group" aria-label="Confirm stop">
        <span data-testid="stop-consequence">
          <strong>Stop training?</strong> {stopConsequence(canTearDown)}
        </span>
        <Button size="sm" onClick={() => setConfirming(undefined)}>
          Keep training
        </Button>
        <Button
          size="sm"
          variant="primary"
          onClick={() => {
            setConfirming(undefined);
            onStop();
          }}
          data-testid="stop-confirm"
        >
          Stop training
        </Button>
      </div>
    );
  }
  return (
    <div className="run-actions">
      {sshCommand && (
        <Button size="sm" onClick={() => onCopy(sshCommand, 'The SSH command')}>
          Copy SSH command
        </Button>
      )}
      {canStop && (
        <Button size="sm" onClick={() => setConfirming('stop')} loading={stopping} data-testid="stop-training">
          {stopping ? 'Stopping…' : 'Stop training'}
        </Button>
      )}
      {canTearDown && (
        <Button
          size="sm"
          variant="danger"
          onClick={() => setConfirming('teardown')}
          loading={tearingDown}
          data-testid="teardown"
        >
          Tear down now
        </Button>
      )}
    </div>
  );
}
