import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { createCore } from '../composition/create-core';
import { silentLogger } from '../core/logger';
import { startWebhookRecorder } from '../core/testing/webhook-recorder';
import { webhookTee } from '../core/webhook-tee';
import { fakeKeyVault } from '../sync/testing/fake-key-vault';
import { yesTrustGate } from '../trust/testing/yes-trust-gate';
import { WebhookStore } from './webhook-store';

const SECRET = 'B0000-secret-token-XXXX';
let recorder: Awaited<ReturnType<typeof startWebhookRecorder>>;
const dirs: string[] = [];
beforeAll(async () => (recorder = await startWebhookRecorder()));
afterAll(async () => {
  await recorder.stop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-'));
  dirs.push(dir);
  return dir;
};
const freshStore = () => {
  const dir = freshDir();
  return { dir, store: new WebhookStore(dir) };
};
const onDisk = (dir: string) => readFileSync(join(dir, 'webhook.json'), 'utf8');

describe('WebhookStore: sealed like the SSE-C keys', () => {
  it('with a keychain, the file holds the sealed URL only; a fresh store opens it; the page sees the host', async () => {
    const dir = freshDir();
    const vault = fakeKeyVault();
    const url = `https://hooks.slack.com/services/${SECRET}`;
    const view = await new WebhookStore(dir, vault).set(url, 'slack');
    expect(view).toEqual({ set: true, format: 'slack', shown: 'hooks.slack.com/…', storage: 'os-keychain' });
    expect(onDisk(dir)).not.toContain(SECRET);
    expect(onDisk(dir)).not.toContain('services');
    expect(statSync(join(dir, 'webhook.json')).mode & 0o777).toBe(0o600);
    expect((await new WebhookStore(dir, vault).current())?.url).toBe(url);
    // Another keychain (another computer or a reset one) cannot open it: said, and nothing is sent.
    const elsewhere = new WebhookStore(dir, fakeKeyVault());
    expect(await elsewhere.current()).toBeUndefined();
    expect(await elsewhere.view()).toMatchObject({ set: true, problem: expect.stringMatching(/cannot open it/) });
    await expect(elsewhere.test('2026-12-06T00:00:00Z')).rejects.toMatchObject({
      message: expect.stringMatching(/^The webhook URL is sealed, but .*reset\)\.$/),
      fix: expect.stringMatching(/Paste a webhook URL/),
    });
  });

  it('a plain webhook.json from before sealing is sealed at its first read, once, and keeps working', async () => {
    const dir = freshDir();
    const url = `${recorder.base}/ok/${SECRET}`;
    writeFileSync(join(dir, 'webhook.json'), JSON.stringify({ url, format: 'json' }), { mode: 0o600 });
    const vault = fakeKeyVault();
    const store = new WebhookStore(dir, vault);
    expect(await store.view()).toMatchObject({ set: true, format: 'json', storage: 'os-keychain' });
    expect(onDisk(dir)).not.toContain(SECRET);
    const sealed = onDisk(dir);
    expect((await new WebhookStore(dir, vault).current())?.url).toBe(url);
    expect(onDisk(dir)).toBe(sealed);
    await expect(store.test('2026-12-06T00:00:00Z')).resolves.toEqual({ delivered: true });
    expect(recorder.posted.at(-1)!.path).toBe(`/ok/${SECRET}`);
  });

  it('a rotated keychain key is sealed again; without a keychain the file stays plain 0600, and the page is told', async () => {
    const dir = freshDir();
    const vault = fakeKeyVault();
    await new WebhookStore(dir, vault).set(`https://ntfy.sh/${SECRET}`, 'ntfy');
    const before = onDisk(dir);
    vault.rotate();
    expect((await new WebhookStore(dir, vault).current())?.url).toContain(SECRET);
    expect(onDisk(dir)).not.toBe(before);
    expect(onDisk(dir)).not.toContain(SECRET);

    const plainDir = freshDir();
    const view = await new WebhookStore(plainDir, fakeKeyVault({ kind: 'file', note: 'No OS keyring was found.' })).set(
      `https://ntfy.sh/${SECRET}`,
      'ntfy',
    );
    expect(view).toEqual({
      set: true,
      format: 'ntfy',
      shown: 'ntfy.sh/…',
      storage: 'file',
      note: 'No OS keyring was found.',
    });
    expect(statSync(join(plainDir, 'webhook.json')).mode & 0o777).toBe(0o600);
  });

  it('no IPC answer to the page holds the URL, and the desktop core seals it on disk', async () => {
    const data = freshDir();
    const core = createCore({
      trust: yesTrustGate(),
      transport: 'electron',
      isTrusted: () => true,
      log: silentLogger,
      projectRoot: process.cwd(),
      keyVault: fakeKeyVault(),
      env: { TRAINDECK_DATA_DIR: data, TRAINDECK_FAKE_AWS: '1' },
    });
    const page = { transport: 'in-process' } as const;
    const url = `${recorder.base}/ok/${SECRET}`;
    const answers = [
      await core.router.handle('webhook.set', { url, format: 'json' }, page),
      await core.router.handle('webhook.get', {}, page),
      await core.router.handle('webhook.test', {}, page),
      await core.router.handle('webhook.set', { url: `http://example.com/${SECRET}`, format: 'json' }, page),
      await core.router.handle('settings.get', {}, page),
    ];
    expect(answers[1]).toEqual({
      ok: true,
      value: { set: true, format: 'json', shown: recorder.base.replace('http://', '') + '/…', storage: 'os-keychain' },
    });
    expect(answers[2]).toEqual({ ok: true, value: { delivered: true } });
    expect(JSON.stringify(answers)).not.toContain(SECRET);
    expect(onDisk(data)).not.toContain(SECRET);
  });
});

describe('WebhookStore: a secret main keeps', () => {
  it('the page sees set / not set, the format and host, never the URL; the file is owner-only and read back', async () => {
    const { dir, store } = freshStore();
    expect(await store.view()).toEqual({ set: false });
    const view = await store.set(`https://hooks.slack.com/services/${SECRET}`, 'slack');
    expect(view).toEqual({ set: true, format: 'slack', shown: 'hooks.slack.com/…', storage: 'file' });
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(statSync(join(dir, 'webhook.json')).mode & 0o777).toBe(0o600);
    expect((await new WebhookStore(dir).current())?.url).toContain(SECRET);
    expect(await store.clear()).toEqual({ set: false });
    expect(await new WebhookStore(dir).view()).toEqual({ set: false });
  });

  it('refuses a URL that is not https (except localhost) with a sentence and a fix, keeping nothing', async () => {
    const { dir, store } = freshStore();
    await expect(store.set(`http://hooks.example.com/${SECRET}`, 'json')).rejects.toThrow(
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
    await store.set(`${recorder.base}/ok/${SECRET}`, 'json');
    await expect(store.test('2026-12-05T12:00:00Z')).resolves.toEqual({ delivered: true });
    expect(JSON.parse(recorder.posted.at(-1)!.body)).toMatchObject({ title: 'Test notification' });
    for (const [path, text] of [
      ['status-404', /answered 404 Not Found\.$/],
      ['status-500', /answered 500 Internal Server Error\.$/],
      ['reset', /could not be reached \(\w+\)\.$/],
    ] as const) {
      await store.set(`${recorder.base}/${path}/${SECRET}`, 'json');
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
    await store.set(`${recorder.base}/status-503/${SECRET}`, 'slack');
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
