import { create } from 'zustand';

import type { AppError } from '../../../../../shared/ipc/result';
import type { WebhookView } from '../../../../../shared/ipc/settings-commands';
import type { WebhookFormat } from '../../../../../shared/notify/webhook';
import { api } from '../../../bridge/api-ref';

interface WebhookStore {
  /** Set or not, and its format: main never sends the URL back. */
  view: WebhookView | undefined;
  busy: boolean;
  error: AppError | undefined;
  /** The last Test arrived. */
  tested: boolean;
  load(): Promise<void>;
  save(url: string, format: WebhookFormat): Promise<boolean>;
  clear(): Promise<void>;
  test(): Promise<void>;
}

/** The notification webhook as the page knows it; the URL goes to main once, when saved. */
export const useWebhook = create<WebhookStore>()((set) => {
  const run = async <T>(work: () => Promise<{ ok: true; value: T } | { ok: false; error: AppError }>) => {
    set({ busy: true, error: undefined, tested: false });
    const result = await work();
    set({ busy: false, ...(result.ok ? {} : { error: result.error }) });
    return result;
  };
  return {
    view: undefined,
    busy: false,
    error: undefined,
    tested: false,
    load: async () => {
      const result = await api().invoke('webhook.get', {});
      if (result.ok) set({ view: result.value });
    },
    save: async (url, format) => {
      const result = await run(() => api().invoke('webhook.set', { url, format }));
      if (result.ok) set({ view: result.value });
      return result.ok;
    },
    clear: async () => {
      const result = await run(() => api().invoke('webhook.clear', {}));
      if (result.ok) set({ view: result.value });
    },
    test: async () => {
      const result = await run(() => api().invoke('webhook.test', {}));
      if (result.ok) set({ tested: true });
    },
  };
});
