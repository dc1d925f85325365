import type { RunEvent } from '../domain/run';

/**
 * "Finished/failed" is posted by the machine itself (a closed laptop still hears) and said by the
 * desktop too: these lines let the desktop see, in the run's own events, that the machine was
 * given the webhook and whether its post arrived, so a user with the laptop open hears it once.
 */

/** The pipeline's note when it hands the webhook to the machine with the run's secrets. */
export const MACHINE_WILL_NOTIFY = 'the machine will post "finished/failed" to the webhook itself';

/** The executor's `done` info reason once its post arrived, naming what it said. */
export function machineNotifiedReason(title: string): string {
  return `notified the webhook: ${title}`;
}

/** The executor's `done` info reason when its post did not arrive (the reason names the host at most). */
export function machineNotDeliveredReason(reason: string): string {
  return `the webhook notification failed: ${reason}`;
}

/** What the machine said of its own post, read from a forwarded executor line (`done: <reason>`). */
export type MachineWebhookLine = { delivered: true; title: string } | { delivered: false };

/** The machine's report of its post in an info line of the run, or undefined for any other line. */
export function readMachineWebhookLine(line: string): MachineWebhookLine | undefined {
  const delivered = /^done: notified the webhook: (.+)$/.exec(line);
  if (delivered) return { delivered: true, title: delivered[1]! };
  return line.startsWith('done: the webhook notification failed: ') ? { delivered: false } : undefined;
}

/**
 * What a run's past events told of the machine's webhook, to say again when another desktop takes
 * the run over: the launch note that the machine has the webhook, and the machine's last word on its
 * own post. Only info lines count, as for the live tee (a training that prints the same words is not
 * the machine's executor). Empty when the machine was never given the webhook.
 */
export function machineWebhookFacts(events: readonly RunEvent[]): string[] {
  const lines = events.flatMap((event) => (event.type === 'log' && event.source === 'info' ? [event.line] : []));
  if (!lines.includes(MACHINE_WILL_NOTIFY)) return [];
  const said = lines.filter((line) => readMachineWebhookLine(line)).at(-1);
  return said ? [MACHINE_WILL_NOTIFY, said] : [MACHINE_WILL_NOTIFY];
}
