import { Button } from '../../../components/button';
import { Disclosure } from '../../../components/disclosure';
import { LockIcon, PowerIcon } from '../../../components/icons/ui-icons';

import './kill-switch.css';

interface KillSwitchProps {
  /** Why the button cannot be used yet; undefined when it can. */
  unavailableReason: string | undefined;
  onKill: () => void;
}

/**
 * The emergency stop, always visible and always red. While it cannot work it stays on
 * screen (focusable, aria-disabled) with the reason beside it, so nobody hunts for it later.
 */
export function KillSwitch({ unavailableReason, onKill }: KillSwitchProps) {
  return (
    <div className="kill-switch">
      <h2 className="kill-switch__title">Emergency stop</h2>
      <p className="kill-switch__text">Stops everything TrainDeck made that bills, in every enabled region.</p>
      <Disclosure summary="Details">
        Terminates TrainDeck's instances and deletes everything they left, then rescans to prove it. Untracked resources
        only with a typed confirmation.
      </Disclosure>
      <span className="kill-switch__button" title={unavailableReason}>
        <Button
          variant="danger"
          size="lg"
          icon={<PowerIcon size={16} />}
          unavailable={unavailableReason !== undefined}
          aria-describedby={unavailableReason ? 'kill-switch-reason' : undefined}
          onClick={onKill}
          data-testid="kill-all"
        >
          Kill all cost resources
        </Button>
      </span>
      {unavailableReason && (
        <p className="kill-switch__reason" id="kill-switch-reason">
          <LockIcon size={12} />
          {unavailableReason}
        </p>
      )}
    </div>
  );
}
