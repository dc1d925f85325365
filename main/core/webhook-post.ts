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
      redirect: 'error',
    });
    // The answer is not needed: drained so the connection is released.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { ok: true };
    return {
      ok: false,
      reason: `the webhook at ${host} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
      fix:
        response.status >= 500
          ? 'The service is failing; try Test again later.'
          : response.status === 404 || response.status === 410
            ? 'The webhook no longer exists: create a new one and paste its URL in Settings.'
            : 'Check the URL and the format (Slack, ntfy or JSON) in Settings, then Test.',
    };
  } catch (error) {
    const timedOut = timeout.aborted;
    return {
      ok: false,
      reason: timedOut
        ? `the webhook at ${host} did not answer within ${Math.round((options.timeoutMs ?? WEBHOOK_TIMEOUT_MS) / 1000)} s`
        : `the webhook at ${host} could not be reached (${causeCode(error)})`,
      fix: 'Check the network and the URL in Settings, then Test.',
    };
  }
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
