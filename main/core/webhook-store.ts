import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { TypedError } from '../../shared/ipc/result';
import type { WebhookView } from '../../shared/ipc/settings-commands';
import {
  WEBHOOK_FORMATS,
  type WebhookFormat,
  type WebhookMessage,
  type WebhookTarget,
  webhookUrlProblem,
} from '../../shared/notify/webhook';
import { postWebhook, type WebhookOutcome } from './webhook-post';
import { writeFileAtomicSync } from './write-file-atomic';

/**
 * The notification webhook, kept like a secret: in `webhook.json` (owner-only) in the app data
 * folder, apart from settings.json (which the page reads whole); its URL leaves main only in the
 * POST itself and, for "finished/failed" from the machine, over the SSH channel's stdin.
 */
export class WebhookStore {
  private readonly file: string;
  private target: WebhookTarget | undefined;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'webhook.json');
    this.target = read(this.file);
  }

  view(): WebhookView {
    return this.target ? { set: true, format: this.target.format } : { set: false };
  }

  /** The target, for main's senders only (the desktop's notifications, a run's executor). */
  current(): WebhookTarget | undefined {
    return this.target;
  }

  /** Keeps a URL after checking it (https, or http to localhost); refused with a sentence and a fix. */
  set(url: string, format: WebhookFormat): WebhookView {
    const problem = webhookUrlProblem(url.trim());
    if (problem) throw new TypedError('INVALID_REQUEST', problem.message, { fix: problem.fix });
    this.target = { url: url.trim(), format };
    writeFileAtomicSync(this.file, JSON.stringify(this.target), { mode: 0o600 });
    return this.view();
  }

  clear(): WebhookView {
    this.target = undefined;
    rmSync(this.file, { force: true });
    return this.view();
  }

  /** Posts a test notification; a failure is a sentence with a fix (404, 500, timeout, reset). */
  async test(now: string): Promise<{ delivered: true }> {
    if (!this.target) {
      throw new TypedError('PRECONDITION_FAILED', 'No webhook is set.', {
        fix: 'Paste a webhook URL and save it first.',
      });
    }
    const outcome = await postWebhook(this.target, {
      level: 'info',
      title: 'Test notification',
      body: 'TrainDeck can reach this webhook: runs will notify you here.',
      at: now,
    });
    if (!outcome.ok) {
      throw new TypedError('UNAVAILABLE', `The test did not arrive: ${outcome.reason}.`, { fix: outcome.fix });
    }
    return { delivered: true };
  }

  /** Sends a notification if a webhook is set; never throws (a notification never fails the work). */
  async send(message: WebhookMessage): Promise<WebhookOutcome | undefined> {
    return this.target ? postWebhook(this.target, message) : undefined;
  }
}

function read(file: string): WebhookTarget | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<WebhookTarget>;
    const ok =
      typeof parsed.url === 'string' &&
      !webhookUrlProblem(parsed.url) &&
      (WEBHOOK_FORMATS as readonly string[]).includes(parsed.format ?? '');
    return ok ? { url: parsed.url!, format: parsed.format! } : undefined;
  } catch {
    return undefined;
  }
}
