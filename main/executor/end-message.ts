import type { ExecutorStatus } from '../../shared/executor/protocol';
import type { WebhookMessage } from '../../shared/notify/webhook';

/**
 * "Training finished / stopped / interrupted / failed" as the machine saw it (the desktop adds verify and
 * teardown). A stop someone asked for (the user, the budget, the time limit) or a spot interruption is
 * not a failure: the title says which, as the desktop's own notification would.
 */
export function trainingEndMessage(status: ExecutorStatus, now: (() => number) | undefined): WebhookMessage {
  const pushed = status.pushed ? 'its data is pushed to S3' : 'its push did not complete';
  const ending = END_TITLES[status.outcome];
  return {
    level: ending.level,
    title: ending.title,
    body:
      status.outcome === 'succeeded'
        ? `Run ${status.runId} finished on its machine; ${pushed}.`
        : `Run ${status.runId} ended on its machine (${status.outcome}${status.reason ? `: ${status.reason}` : ''}); ${pushed}.`,
    at: new Date((now ?? Date.now)()).toISOString(),
    runId: status.runId,
  };
}

const END_TITLES: Record<ExecutorStatus['outcome'], Pick<WebhookMessage, 'level' | 'title'>> = {
  succeeded: { level: 'success', title: 'Training finished' },
  cancelled: { level: 'warning', title: 'Training stopped' },
  'ttl-expired': { level: 'warning', title: 'Training stopped' },
  'spot-interrupted': { level: 'warning', title: 'Training interrupted' },
  failed: { level: 'error', title: 'Training failed' },
};
