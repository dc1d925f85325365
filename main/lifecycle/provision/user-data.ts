/**
 * First-boot script: arms the hard time-to-live before anything else can go wrong. With
 * InstanceInitiatedShutdownBehavior=terminate, the poweroff terminates the instance, so it
 * dies on time even if the desktop is gone. The executor re-arms a finer timer later.
 */
export function userDataScript(ttlMinutes: number, runId: string): string {
  return [
    '#!/bin/bash',
    `# TrainDeck run ${runId}: hard time-to-live of ${ttlMinutes} minutes from boot.`,
    `shutdown -P +${ttlMinutes} "TrainDeck time-to-live reached" || (sleep ${ttlMinutes * 60}; poweroff) &`,
    '',
  ].join('\n');
}
