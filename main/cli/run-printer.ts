import type { RunEvent } from '../../shared/domain/run';
import { redactUrlUserinfo } from '../../shared/security/redact-url';
import type { RunObserver } from '../runs/pipeline/run-observer';
import type { CliIo } from './command';
import { liveBarFollower } from './live-bar-follower';
import { formatRunEvent } from './run-output';
import { StatusLine, type StatusTerminal } from './status-line';

/** How `traindeck run` and `traindeck reattach` print a run. */
export interface RunPrinter {
  print(event: RunEvent): void;
  /** Follows the training's live progress bar (absent with --json). */
  observer?: RunObserver;
  /** Stops following and removes the status line. */
  close(): void;
}

/**
 * JSON lines of run events with `--json`; otherwise one line per event, and while the training
 * runs, its live progress bar (tqdm's `\r` redraws, from the executor's `train-live.json`) as a
 * status line under them: redrawn in place on a terminal, a line at most every 30 s otherwise.
 */
export function runPrinter(io: CliIo, json: boolean): RunPrinter {
  if (json) return { print: (event) => io.out(JSON.stringify(event) + '\n'), close: () => undefined };
  const status = new StatusLine((text) => io.out(text), statusTerminal(io));
  let training = false;
  const follower = liveBarFollower(
    (bar) => {
      // A bar read after the training phase ended would hang under the push lines.
      if (!training) return;
      if (bar.open) status.show(redactUrlUserinfo(bar.text));
      else status.clear();
    },
    () => status.clear(),
  );
  return {
    print(event) {
      if (event.type === 'phase' && event.phase === 'training') {
        training = event.status === 'running';
        if (!training) status.clear();
      }
      const text = formatRunEvent(event);
      if (text) status.print(text);
    },
    observer: follower,
    close() {
      follower.stop();
      status.clear();
    },
  };
}

/** The terminal the CLI prints to; no escapes with NO_COLOR (https://no-color.org) or TERM=dumb. */
function statusTerminal(io: CliIo): StatusTerminal {
  return {
    isTTY: io.terminal?.isTTY ?? false,
    columns: () => io.terminal?.columns(),
    ansi: !io.env.NO_COLOR && io.env.TERM !== 'dumb',
  };
}
