import { LockIllustration } from '../illustrations/lock-illustration';

import './unauthorized-gate.css';

/**
 * Replaces the page while the tab has no valid session: without one there is no data to
 * show, and the only useful thing is how to get the right link.
 */
export function UnauthorizedGate() {
  return (
    <section className="gate" aria-labelledby="gate-title" data-testid="unauthorized-gate">
      <LockIllustration />
      <h2 id="gate-title" className="gate__title">
        This tab is not connected to TrainDeck
      </h2>
      <p className="gate__lead">
        Browser mode only answers the link printed when it starts, so no other page or program can drive it.
      </p>
      <ol className="gate__steps">
        <li>
          Find the terminal running <code>npm run start:web</code> (start it if it is not running).
        </li>
        <li>
          Open the link printed after <strong>Open:</strong> — it carries this launch&rsquo;s access token.
        </li>
        <li>
          Every launch makes a new token, so links from an earlier launch stop working. To keep one link across
          restarts, start it with <code>--token-file PATH --port N</code>: tabs holding that token reconnect by
          themselves.
        </li>
      </ol>
    </section>
  );
}
