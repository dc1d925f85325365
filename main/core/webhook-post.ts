import { STATUS_CODES } from 'node:http';

import { type WebhookMessage, webhookRequest, type WebhookTarget } from '../../shared/notify/webhook';

/** One attempt, this long at most: a notification never holds a run (or the app) up. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** What a post did, in words without the URL (the URL is the secret). */
export type WebhookOutcome = { ok: true } | { ok: false; reason: string; fix: string };

/**
 * Posts one notification: one attempt, bounded by `timeoutMs` and `signal`, no retry (a dead
 * endpoint costs one request per notification, never a storm). Never throws; the reason names
 * the host at most, never the URL's path or query, where Slack and ntfy keep the secret.
 */
export async function postWebhook(
  target: WebhookTarget,
  message: WebhookMessage,
  options: { timeoutMs?: number; signal?: AbortSignal; fetch?: typeof fetch } = {},
): Promise<WebhookOutcome> {
  const host = hostOf(target.url);
  const { headers, body } = webhookRequest(target.format, message);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await (options.fetch ?? fetch)(target.url, {
      method: 'POST',
      headers,
      body,
      signal,
      // Never followed (it would take the notification elsewhere, maybe in the clear), but said as a redirect.
      redirect: 'manual',
    });
    // The answer's body is not needed, and a hostile one may be endless: cancelled, never read.
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return { ok: true };
    return {
      ok: false,
      reason: `the webhook at ${host} answered ${statusWords(response.status)}`,
      fix: fixFor(response.status),
    };
  } catch (error) {
    const timedOut = timeout.aborted;
    return {
      ok: false,
      reason: timedOut
        ? `the webhook at ${host} did not answer within ${Math.round((options.timeoutMs ?? WEBHOOK_TIMEOUT_MS) / 100) / 10} s`
        : `the webhook at ${host} could not be reached (${causeCode(error)})`,
      fix: 'Check the network and the URL in Settings, then Test.',
    };
  }
}

// The status in the standard words, never the server's own (its status line may quote the URL's path back).
function statusWords(status: number): string {
  const words = STATUS_CODES[status];
  const redirect = status >= 300 && status < 400 ? ' (a redirect, not followed)' : '';
  return `${status}${words ? ` ${words}` : ''}${redirect}`;
}

function fixFor(status: number): string {
  if (status >= 500) return 'The service is failing; try Test again later.';
  if (status === 404 || status === 410) {
    return 'The webhook no longer exists: create a new one and paste its URL in Settings.';
  }
  if (status >= 300 && status < 400) {
    return 'The webhook has moved: paste the https address your service gives now in Settings, then Test.';
  }
  return 'Check the URL and the format (Slack, ntfy or JSON) in Settings, then Test.';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid address';
  }
}

// A code (ECONNRESET, ENOTFOUND…), never an error message: undici's messages may quote the URL.
function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = cause?.code ?? (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? code : 'network error';
}
