import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { startWebhookRecorder } from './testing/webhook-recorder';
import { WebhookStore } from './webhook-store';
import { webhookTee } from './webhook-tee';

const SECRET = 'B0000-secret-token-XXXX';
let recorder: Awaited<ReturnType<typeof startWebhookRecorder>>;
const dirs: string[] = [];
beforeAll(async () => (recorder = await startWebhookRecorder()));
afterAll(async () => {
  await recorder.stop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
const freshStore = () => {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-'));
  dirs.push(dir);
  return { dir, store: new WebhookStore(dir) };
};

describe('WebhookStore: a secret main keeps', () => {
  it('the page sees set / not set and the format, never the URL; the file is owner-only and read back', () => {
    const { dir, store } = freshStore();
    expect(store.view()).toEqual({ set: false });
    const view = store.set(`https://hooks.slack.com/services/${SECRET}`, 'slack');
    expect(view).toEqual({ set: true, format: 'slack' });
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(statSync(join(dir, 'webhook.json')).mode & 0o777).toBe(0o600);
    expect(new WebhookStore(dir).current()?.url).toContain(SECRET);
    expect(store.clear()).toEqual({ set: false });
    expect(new WebhookStore(dir).view()).toEqual({ set: false });
  });

  it('refuses a URL that is not https (except localhost) with a sentence and a fix, keeping nothing', () => {
    const { dir, store } = freshStore();
    expect(() => store.set(`http://hooks.example.com/${SECRET}`, 'json')).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/must use https/),
        fix: expect.stringMatching(/https/),
      }),
    );
    expect(() => readFileSync(join(dir, 'webhook.json'))).toThrow();
  });

  it('Test posts once and says why it did not arrive (404, 500, reset), without the URL', async () => {
    const { store } = freshStore();
    await expect(store.test('2026-12-05T12:00:00Z')).rejects.toMatchObject({ message: 'No webhook is set.' });
    store.set(`${recorder.base}/ok/${SECRET}`, 'json');
    await expect(store.test('2026-12-05T12:00:00Z')).resolves.toEqual({ delivered: true });
    expect(JSON.parse(recorder.posted.at(-1)!.body)).toMatchObject({ title: 'Test notification' });
    for (const [path, text] of [
      ['status-404', /answered 404 Not Found\.$/],
      ['status-500', /answered 500 Internal Server Error\.$/],
      ['reset', /could not be reached \(\w+\)\.$/],
    ] as const) {
      store.set(`${recorder.base}/${path}/${SECRET}`, 'json');
      const error = (await store.test('2026-12-05T12:00:00Z').catch((e: unknown) => e)) as Error & { fix: string };
      expect(error.message).toMatch(/^The test did not arrive: the webhook at 127\.0\.0\.1:\d+ /);
      expect(error.message).toMatch(text);
      expect(error.fix).toBeTruthy();
      expect(JSON.stringify({ message: error.message, fix: error.fix })).not.toContain(SECRET);
    }
  });
});

describe('webhookTee: the app notifies as ever; the webhook gets the same words; a failure fails nothing', () => {
  it('posts each notification, and logs a failed post without the URL', async () => {
    const { store } = freshStore();
    store.set(`${recorder.base}/status-503/${SECRET}`, 'slack');
    const shown = {
      notify: vi.fn((level, title, body) => ({ id: '1', level, title, body, at: '2026-12-05T12:00:00Z' })),
    };
    const warn = vi.fn();
    const before = recorder.posted.length;
    const tee = webhookTee(shown, store, { warn });
    expect(tee.notify('warning', 'Training may be stalled', 'Run r1: no new log line.').title).toBe(
      'Training may be stalled',
    );
    expect(shown.notify).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(warn).toHaveBeenCalledOnce());
    expect(recorder.posted.length - before).toBe(1);
    expect(JSON.parse(recorder.posted.at(-1)!.body).text).toContain('Training may be stalled');
    expect(JSON.stringify(warn.mock.calls)).toMatch(/answered 503/);
    expect(JSON.stringify(warn.mock.calls)).not.toContain(SECRET);
  });
});
