/**
 * The notification webhook: where it may point and what is posted to it. The URL is a secret
 * (a Slack or ntfy URL is the credential): main keeps it, the page only learns whether one is set.
 */

/** The shapes a webhook can take. */
export const WEBHOOK_FORMATS = ['slack', 'ntfy', 'json'] as const;
/** One of {@link WEBHOOK_FORMATS}: Slack-compatible incoming webhook, ntfy topic, or plain JSON POST. */
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Where notifications are posted. */
export interface WebhookTarget {
  url: string;
  format: WebhookFormat;
}

/** What a notification says (the same words as the desktop's own notification). */
export interface WebhookMessage {
  level: 'info' | 'success' | 'warning' | 'error';
  title: string;
  body: string;
  /** ISO time it happened. */
  at: string;
  runId?: string;
}

/** The longest URL accepted (Slack's are about 80 characters). */
export const WEBHOOK_URL_MAX = 2048;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks a webhook URL before it is kept: https, or http to this computer only (a local relay,
 * tests); no user name or password in it. Returns undefined when fine, else a sentence and a fix.
 */
export function webhookUrlProblem(url: string): { message: string; fix: string } | undefined {
  if (url.length > WEBHOOK_URL_MAX) {
    return { message: `The webhook URL is longer than ${WEBHOOK_URL_MAX} characters.`, fix: 'Paste the URL itself.' };
  }
  // No URL class here (shared/ runs without DOM or Node types): scheme and authority by hand.
  // A backslash ends the authority too: the URL parser reads it as a slash in http(s) URLs.
  const parsed = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\s\\]+)([^\s]*)$/i.exec(url.trim());
  if (!parsed) {
    return {
      message: 'The webhook URL is not a URL.',
      fix: 'Paste the whole address, starting with https:// (for Slack: https://hooks.slack.com/services/…).',
    };
  }
  const protocol = parsed[1]!.toLowerCase();
  const authority = parsed[2]!;
  if (authority.includes('@')) {
    return {
      message: 'The webhook URL holds a user name or password.',
      fix: 'Use a URL whose secret is in its path or token (as Slack and ntfy give them).',
    };
  }
  const hostname = authority.replace(/:\d+$/, '').toLowerCase();
  if (protocol === 'https') return undefined;
  if (protocol === 'http' && LOOPBACK.has(hostname)) return undefined;
  return {
    message: `The webhook URL must use https (${protocol} would send your notifications, and the URL itself, in the clear).`,
    fix: 'Use the https:// address your service gives; plain http is accepted only for localhost.',
  };
}

/**
 * What the page shows of a kept URL: its host and an ellipsis ("hooks.slack.com/…"). Slack and
 * ntfy keep the secret in the path, so the host says which service without giving the key away.
 */
export function webhookUrlShown(url: string): string {
  // A user name or password before '@' (refused when kept, but never shown either).
  // A backslash ends it as a slash does (the URL parser reads one as the other): the path is the secret.
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s\\]+)/i.exec(url.trim())?.[1]?.split('@').pop();
  return authority ? `${authority.toLowerCase()}/…` : '…';
}

/**
 * The request for a format: Slack gets `{ text }`, ntfy the body as text with Title, Priority and
 * Tags headers, JSON the message as it is, under `traindeck`.
 */
export function webhookRequest(
  format: WebhookFormat,
  message: WebhookMessage,
): { headers: Record<string, string>; body: string } {
  switch (format) {
    case 'slack':
      return {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `${SLACK_EMOJI[message.level]} *${message.title}*\n${message.body}` }),
      };
    case 'ntfy':
      return {
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          // Header values must be Latin-1: a title with other characters is sent as plain ASCII.
          title: asciiHeader(`TrainDeck: ${message.title}`),
          priority: message.level === 'error' ? 'high' : 'default',
          tags: NTFY_TAG[message.level],
        },
        body: message.body,
      };
    case 'json':
      return {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'traindeck', ...message }),
      };
  }
}

const SLACK_EMOJI: Record<WebhookMessage['level'], string> = {
  info: ':information_source:',
  success: ':white_check_mark:',
  warning: ':warning:',
  error: ':rotating_light:',
};

const NTFY_TAG: Record<WebhookMessage['level'], string> = {
  info: 'information_source',
  success: 'white_check_mark',
  warning: 'warning',
  error: 'rotating_light',
};

function asciiHeader(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}
