import type { ConnectionState } from '../../bridge/connection';
import { useSecondsUntil } from '../../hooks/use-seconds-until';
import { LockIcon } from '../icons/ui-icons';
import { RichText } from '../rich-text';
import { Spinner } from '../spinner';

import './connection-banner.css';

interface ConnectionBannerProps {
  state: ConnectionState;
  retryAt: number | undefined;
}

/**
 * Across the top of the window whenever the page cannot talk to main. The first
 * "connecting" is not shown: on loopback it lasts milliseconds and would only flash.
 */
export function ConnectionBanner({ state, retryAt }: ConnectionBannerProps) {
  const seconds = useSecondsUntil(state.status === 'reconnecting' ? retryAt : undefined);
  if (state.status === 'reconnecting') {
    return (
      <div className="connection-banner connection-banner--warn" role="status" data-testid="connection-banner">
        <Spinner size={14} />
        <p>
          <strong>Lost the connection to TrainDeck.</strong>{' '}
          <span className="tabular">
            {seconds ? `Reconnecting in ${seconds} s (attempt ${state.attempt}).` : 'Reconnecting now…'}
          </span>{' '}
          <span className="connection-banner__hint">
            If you stopped the browser host, start it again: with the same --token-file and --port it takes this tab
            back, otherwise open the new link it prints.
          </span>
        </p>
      </div>
    );
  }
  if (state.status === 'unauthorized') {
    return (
      <div className="connection-banner connection-banner--danger" role="alert" data-testid="connection-banner">
        <LockIcon size={15} />
        <p>
          <strong>Not connected.</strong> <RichText text={state.message} />
        </p>
      </div>
    );
  }
  return null;
}
