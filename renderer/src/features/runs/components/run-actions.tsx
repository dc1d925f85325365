import { useState } from 'react';

import { Button } from '../../../components/button';

import './run-monitor.css';

interface RunActionsProps {
  running: boolean;
  sshCommand: string | undefined;
  tearingDown: boolean;
  /** Only an EC2 run has cloud resources to delete; a machine of the user's is left alone. */
  canTearDown: boolean;
  /** Copies `text`; `what` names it in the "Copied" toast or the error. */
  onCopy: (text: string, what: string) => void;
  onStop: () => void;
  onTeardown: () => void;
}

/** A run's actions: copy the SSH command, stop training, and tear down now (asked twice). The report has its own card. */
export function RunActions({
  running,
  sshCommand,
  tearingDown,
  canTearDown,
  onCopy,
  onStop,
  onTeardown,
}: RunActionsProps) {
  const [confirming, setConfirming] = useState(false);
  if (confirming) {
    return (
      <div className="run-actions run-actions--confirm" role="group" aria-label="Confirm teardown">
        <span>Delete every resource of this run now{running ? ', without waiting for the push' : ''}?</span>
        <Button size="sm" onClick={() => setConfirming(false)}>
          Keep it
        </Button>
        <Button
          size="sm"
          variant="danger"
          onClick={() => {
            setConfirming(false);
            onTeardown();
          }}
          data-testid="teardown-confirm"
        >
          Tear down
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
      {running && (
        <Button
          size="sm"
          onClick={onStop}
          title={
            canTearDown ? 'Stops training, pushes the data, then tears down' : 'Stops training and pushes the data'
          }
        >
          Stop training
        </Button>
      )}
      {canTearDown && (
        <Button
          size="sm"
          variant="danger"
          onClick={() => setConfirming(true)}
          loading={tearingDown}
          data-testid="teardown"
        >
          Tear down now
        </Button>
      )}
    </div>
  );
}
