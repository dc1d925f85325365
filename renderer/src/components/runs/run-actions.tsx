import { useState } from 'react';
import { Button } from '../button';
import './run-monitor.css';

interface RunActionsProps {
  running: boolean;
  sshCommand: string | undefined;
  report: string | undefined;
  tearingDown: boolean;
  onCopy: (text: string) => void;
  onStop: () => void;
  onTeardown: () => void;
}

/** A run's actions: copy the SSH command or the report, stop training, and tear down now (asked twice). */
export function RunActions({ running, sshCommand, report, tearingDown, onCopy, onStop, onTeardown }: RunActionsProps) {
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
        <Button size="sm" onClick={() => onCopy(sshCommand)}>
          Copy SSH command
        </Button>
      )}
      {report && (
        <Button size="sm" onClick={() => onCopy(report)} data-testid="copy-report">
          Copy report (Markdown)
        </Button>
      )}
      {running && (
        <Button size="sm" onClick={onStop} title="Stops training, pushes the data, then tears down">
          Stop training
        </Button>
      )}
      <Button size="sm" variant="danger" onClick={() => setConfirming(true)} loading={tearingDown} disabled={tearingDown} data-testid="teardown">
        Tear down now
      </Button>
    </div>
  );
}
