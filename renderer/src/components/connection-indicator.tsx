import type { ConnectionState } from '../bridge/connection';
import { useSecondsUntil } from '../hooks/use-seconds-until';

import './connection-indicator.css';

interface ConnectionIndicatorProps {
  state: ConnectionState;
  /** Epoch ms of the next reconnect attempt, when reconnecting. */
  retryAt: number | undefined;
}

type Tone = 'ok' | 'pending' | 'bad';

/** A dot and a word for the link to main; the words change, the box does not (no layout jump). */
export function ConnectionIndicator({ state, retryAt }: ConnectionIndicatorProps) {
  const seconds = useSecondsUntil(state.status === 'reconnecting' ? retryAt : undefined);
  const [tone, label] = describe(state, seconds);
  return (
    <div
      className={`connection connection--${tone}`}
      role="status"
      aria-live="polite"
      data-testid="connection-indicator"
    >
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__label">{label}</span>
    </div>
  );
}

function describe(state: ConnectionState, seconds: number | undefined): [Tone, string] {
  switch (state.status) {
    case 'connected':
      return ['ok', 'Connected'];
    case 'connecting':
      return ['pending', 'Connecting…'];
    case 'reconnecting':
      return ['pending', seconds ? `Reconnecting in ${seconds} s` : 'Reconnecting…'];
    case 'unauthorized':
      return ['bad', 'Not authorized'];
  }
}
