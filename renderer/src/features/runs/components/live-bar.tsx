import type { LiveBar as LiveBarState } from '../../../../../shared/monitor/progress';
import { formatClock } from '../../../format/time';

import './live-bar.css';

// Colour and cursor codes (Rich, colourised tqdm) are drawing instructions, not text.
const TERMINAL_CODES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

/**
 * The training's progress bar as it was last redrawn (tqdm's `\r` redraws, carried by the executor
 * twice a second): what the user would see in a terminal, between the log's lines. A closed bar stays,
 * muted, until the next one opens.
 */
export function LiveBar({ bar }: { bar: LiveBarState | undefined }) {
  if (!bar) return null;
  return (
    <div className={`live-bar${bar.open ? '' : ' live-bar--closed'}`} data-testid="live-bar">
      <span className="live-bar__label">{bar.open ? 'Progress bar' : 'Last bar'}</span>
      <pre className="live-bar__text" title={`Redrawn at ${formatClock(new Date(bar.at).toISOString())}`}>
        {bar.text.replace(TERMINAL_CODES, '')}
      </pre>
    </div>
  );
}
