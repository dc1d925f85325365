import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import type { KeyStorage } from '../../shared/domain/account';
import { TypedError } from '../../shared/ipc/result';
import type { WebhookView } from '../../shared/ipc/settings-commands';
import {
  WEBHOOK_FORMATS,
  type WebhookFormat,
  type WebhookMessage,
  type WebhookTarget,
  webhookUrlProblem,
  webhookUrlShown,
} from '../../shared/notify/webhook';
import { postWebhook, type WebhookOutcome } from '../core/webhook-post';
import { writeFileAtomic } from '../core/write-file-atomic';
import { type KeyVault, plainFileVault } from '../sync/key-vault';

/** webhook.json: the URL sealed by the OS keychain, or plain where there is none (the CLI, the browser host). */
interface WebhookFile {
  format: WebhookFormat;
  /** What the page may show ("hooks.slack.com/…"): kept beside the seal so showing it never opens the keychain. */
  shown: string;
  /** base64 of the vault's seal of the URL. */
  sealedUrl?: string;
  /** The URL itself: only where no keychain seals it (or a file from before sealing, sealed at first read). */
  url?: string;
}

interface Loaded {
  target: WebhookTarget | undefined;
  view: WebhookView;
}

const NOT_SET: Loaded = { target: undefined, view: { set: false } };

/**
 * The notification webhook, kept like the SSE-C keys: `webhook.json` (owner-only) in the app data
 * folder holds the URL sealed by the OS keychain (the {@link KeyVault} the keys use); where there is
 * none it is a plain 0600 file, and the page says so. The URL leaves main only in the POST itself
 * and, for "finished/failed" from the machine, over the SSH channel's stdin; the page gets its host.
 */
export class WebhookStore {
  private readonly file: string;
  private loaded: Promise<Loaded> | undefined;

  constructor(
    dataDir: string,
    private readonly vault: KeyVault = plainFileVault(),
  ) {
    this.file = join(dataDir, 'webhook.json');
  }

  /** What the page may know: set or not, the format, the host, and how it is kept. */
  async view(): Promise<WebhookView> {
    return (await this.load()).view;
  }

  /** The target, for main's senders only (the desktop's notifications, a run's executor). */
  async current(): Promise<WebhookTarget | undefined> {
    return (await this.load()).target;
  }

  /** Keeps a URL after checking it (https, or http to localhost); refused with a sentence and a fix. */
  async set(url: string, format: WebhookFormat): Promise<WebhookView> {
    const problem = webhookUrlProblem(url.trim());
    if (problem) throw new TypedError('INVALID_REQUEST', problem.message, { fix: problem.fix });
    const loaded = this.keep({ url: url.trim(), format });
    this.loaded = loaded;
    return (await loaded).view;
  }

  async clear(): Promise<WebhookView> {
    this.loaded = Promise.resolve(NOT_SET);
    await rm(this.file, { force: true });
    return NOT_SET.view;
  }

  /** Posts a test notification; a failure is a sentence with a fix (404, 500, timeout, reset). */
  async test(now: string): Promise<{ delivered: true }> {
    const { target, view } = await this.load();
    if (!target) {
      throw new TypedError('PRECONDITION_FAILED', view.problem ?? 'No webhook is set.', {
        fix: 'Paste a webhook URL and save it first.',
      });
    }
    const outcome = await postWebhook(target, {
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
    const target = await this.current().catch(() => undefined);
    return target ? postWebhook(target, message) : undefined;
  }

  // Read once; a failed read (a keychain that did not answer) is asked again at the next use.
  private load(): Promise<Loaded> {
    this.loaded ??= this.read().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  /** Writes the file for `target`, sealed when the keychain can; the page's view of it. */
  private async keep(target: WebhookTarget): Promise<Loaded> {
    const status = await this.vault.status();
    const shown = webhookUrlShown(target.url);
    const sealed = status.kind === 'os-keychain';
    const content: WebhookFile = sealed
      ? { format: target.format, shown, sealedUrl: (await this.vault.seal(Buffer.from(target.url))).toString('base64') }
      : { format: target.format, shown, url: target.url };
    await writeFileAtomic(this.file, JSON.stringify(content), { mode: 0o600 });
    return { target, view: viewOf(content, sealed ? 'os-keychain' : 'file', status.note) };
  }

  private async read(): Promise<Loaded> {
    const raw = await readFile(this.file, 'utf8').catch(() => undefined);
    const file = raw === undefined ? undefined : parse(raw);
    if (!file) return NOT_SET;
    if (file.url !== undefined) {
      const target = { url: file.url, format: file.format };
      // A plain file (from before sealing, or kept while the keychain was away): sealed now if it can be.
      if ((await this.vault.status()).kind === 'os-keychain') return this.keep(target).catch(() => this.plain(target));
      return this.plain(target);
    }
    const opened = await this.vault.open(Buffer.from(file.sealedUrl ?? '', 'base64')).catch(() => undefined);
    const url = opened?.bytes.toString('utf8');
    if (!opened || !url || webhookUrlProblem(url)) {
      return {
        target: undefined,
        view: {
          ...viewOf(file, 'os-keychain'),
          problem:
            "The webhook URL is sealed, but this computer's OS keychain cannot open it (it was sealed on another computer or user account, or the keychain was reset).",
        },
      };
    }
    const target = { url, format: file.format };
    // The keychain rotated its key: seal again, or the old seal stops opening one day.
    const kept: Loaded = { target, view: viewOf(file, 'os-keychain') };
    return opened.reseal ? this.keep(target).catch(() => kept) : kept;
  }

  private async plain(target: WebhookTarget): Promise<Loaded> {
    const { note } = await this.vault.status();
    return { target, view: viewOf({ format: target.format, shown: webhookUrlShown(target.url) }, 'file', note) };
  }
}

function viewOf(file: Pick<WebhookFile, 'format' | 'shown'>, storage: KeyStorage, note?: string): WebhookView {
  return {
    set: true,
    format: file.format,
    shown: file.shown,
    storage,
    ...(note && storage === 'file' ? { note } : {}),
  };
}

function parse(raw: string): WebhookFile | undefined {
  try {
    const parsed = JSON.parse(raw) as Partial<WebhookFile>;
    if (!(WEBHOOK_FORMATS as readonly string[]).includes(parsed.format ?? '')) return undefined;
    const format = parsed.format!;
    if (typeof parsed.url === 'string') {
      return webhookUrlProblem(parsed.url)
        ? undefined
        : { format, shown: webhookUrlShown(parsed.url), url: parsed.url };
    }
    if (typeof parsed.sealedUrl !== 'string' || typeof parsed.shown !== 'string') return undefined;
    return { format, shown: parsed.shown.slice(0, 300), sealedUrl: parsed.sealedUrl };
  } catch {
    return undefined;
  }
}
