import type { AppNotification, NotificationLevel } from '../../shared/domain/notification';
import type { RunEvent } from '../../shared/domain/run';
import {
  MACHINE_WILL_NOTIFY,
  type MachineWebhookLine,
  readMachineWebhookLine,
} from '../../shared/notify/machine-webhook';
import type { WebhookMessage } from '../../shared/notify/webhook';
import type { Logger } from './logger';
import type { NotificationService } from './notifications';
import type { WebhookOutcome } from './webhook-post';

/**
 * Which end of a run a notification tells, when the machine may have posted the same news:
 * `training` (Training finished / failed / stopped) repeats whatever the machine posted;
 * `run-failed` repeats it only when the machine posted a failure (a failure the desktop found
 * later, at verify or teardown, is news the machine never had).
 */
export interface RunEnd {
  runId: string;
  end: 'training' | 'run-failed';
}

/** `notify` of the app's notifications, with what run end (if any) it tells. */
export type Notify = (level: NotificationLevel, title: string, body: string, about?: RunEnd) => AppNotification;

/** The app's notifications plus their webhook copy, and the run events that decide the copies. */
export interface WebhookTee {
  notify: Notify;
  /** Every run event (bus `runs.event`): the machine's webhook lines and the run's end. */
  onRunEvent(event: RunEvent): void;
}

interface RunLedger {
  /** The machine was given the webhook at launch (the pipeline said so in the run's events). */
  machine: boolean;
  /** What the machine said of its own post, once it said it. */
  posted?: MachineWebhookLine;
  finished: boolean;
  held: { message: WebhookMessage; about: RunEnd }[];
}

// Bounds the ledger of past runs (their late notices are still decided right).
const KEEP_RUNS = 64;

/**
 * The run notifications (finished or failed, stall, spot interruption, teardown verified or not,
 * ghost resources…) go to the app's notifications at once and, when one is set, to the webhook:
 * in the background, one bounded attempt each; a failure is logged without the URL and fails nothing.
 *
 * "Finished/failed" is also posted by the machine (URL over stdin), so the desktop's copy of a run's
 * end waits, for runs whose machine has the webhook, for the machine's word in the run's events:
 * the machine's post arrived → the desktop stays quiet; it failed, or the run ended without the
 * machine saying (an executor that died, a lost link) → the desktop posts. A user with the laptop
 * open hears it once; one with the laptop closed still hears it from the machine. The desktop,
 * not the machine, decides: only it sees both sides, and the machine must post with no one watching.
 */
export function webhookTee(
  notifications: Pick<NotificationService, 'notify'>,
  webhook: { send(message: WebhookMessage): Promise<WebhookOutcome | undefined> },
  log: Pick<Logger, 'warn'>,
): WebhookTee {
  const runs = new Map<string, RunLedger>();
  const post = (message: WebhookMessage) =>
    void webhook.send(message).then(
      (outcome) => {
        if (outcome && !outcome.ok) {
          log.warn('webhook notification not delivered', { title: message.title, reason: outcome.reason });
        }
      },
      () => undefined,
    );
  const ledger = (runId: string): RunLedger => {
    let run = runs.get(runId);
    if (!run) {
      run = { machine: false, finished: false, held: [] };
      runs.set(runId, run);
      if (runs.size > KEEP_RUNS) runs.delete(runs.keys().next().value!);
    }
    return run;
  };
  // Whether the machine's arrived post already told what this message tells.
  const told = (run: RunLedger, about: RunEnd) =>
    run.posted?.delivered === true && (about.end === 'training' || run.posted.title === 'Training failed');
  const decide = (run: RunLedger, message: WebhookMessage, about: RunEnd) => {
    if (told(run, about)) return;
    if (run.posted || run.finished || !run.machine) post(message);
    else run.held.push({ message, about });
  };
  const release = (run: RunLedger) => {
    const held = run.held.splice(0);
    for (const { message, about } of held) decide(run, message, about);
  };
  return {
    notify(level, title, body, about) {
      const shown = notifications.notify(level, title, body);
      const message: WebhookMessage = { level, title, body, at: shown.at, ...(about ? { runId: about.runId } : {}) };
      if (about) decide(ledger(about.runId), message, about);
      else post(message);
      return shown;
    },
    onRunEvent(event) {
      if (event.type === 'log' && event.source === 'info') {
        if (event.line === MACHINE_WILL_NOTIFY) ledger(event.runId).machine = true;
        const posted = readMachineWebhookLine(event.line);
        if (posted) {
          const run = ledger(event.runId);
          run.posted = posted;
          release(run);
        }
      } else if (event.type === 'finished') {
        const run = ledger(event.runId);
        run.finished = true;
        release(run);
      }
    },
  };
}
