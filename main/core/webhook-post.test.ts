import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { webhookUrlProblem, webhookUrlShown } from '../../shared/notify/webhook';
import { startWebhookRecorder } from './testing/webhook-recorder';
import { postWebhook } from './webhook-post';

let recorder: Awaited<ReturnType<typeof startWebhookRecorder>>;
let base = '';
beforeAll(async () => {
  recorder = await startWebhookRecorder();
  base = recorder.base;
});
afterAll(() => recorder.stop());

const SECRET = 'T000-B000-XXXXXXXXsecretXXXXXXXX';
const message = {
  level: 'error' as const,
  title: 'Training failed',
  body: 'Run r1 ended with exit code 3; its data is pushed anyway.',
  at: '2026-12-05T12:00:00.000Z',
  runId: 'r1',
};
const last = () => recorder.posted[recorder.posted.length - 1]!;

describe('postWebhook: what each format posts', () => {
  it('Slack-compatible: a JSON body with text holding title and body', async () => {
    expect(await postWebhook({ url: `${base}/services/${SECRET}`, format: 'slack' }, message)).toEqual({ ok: true });
    expect(last().headers['content-type']).toBe('application/json');
    expect(JSON.parse(last().body)).toEqual({
      text: ':rotating_light: *Training failed*\nRun r1 ended with exit code 3; its data is pushed anyway.',
    });
  });

  it('ntfy: the body as text, the title, priority and tags as headers', async () => {
    expect(await postWebhook({ url: `${base}/my-topic`, format: 'ntfy' }, message)).toEqual({ ok: true });
    expect(last().body).toBe(message.body);
    expect(last().headers).toMatchObject({
      title: 'TrainDeck: Training failed',
      priority: 'high',
      tags: 'rotating_light',
    });
  });

  it('plain JSON: the message as it is, with its source', async () => {
    expect(await postWebhook({ url: `${base}/hook`, format: 'json' }, message)).toEqual({ ok: true });
    expect(JSON.parse(last().body)).toEqual({ source: 'traindeck', ...message });
  });
});

describe('postWebhook: a failing endpoint is an outcome, never a throw, and never names the URL', () => {
  const url = (path: string) => `${base}/${path}/${SECRET}`;
  const noSecret = (outcome: object) => expect(JSON.stringify(outcome)).not.toContain(SECRET);

  it.each([
    ['status-404', /answered 404 Not Found/, /no longer exists/],
    ['status-403', /answered 403 Forbidden/, /Check the URL and the format/],
    ['status-500', /answered 500 Internal Server Error/, /try Test again later/],
    ['status-503', /answered 503 Service Unavailable/, /try Test again later/],
  ])('%s', async (path, reason, fix) => {
    const outcome = await postWebhook({ url: url(path), format: 'json' }, message);
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringMatching(reason),
      fix: expect.stringMatching(fix),
    });
    expect((outcome as { reason: string }).reason).toContain(`the webhook at 127.0.0.1:`);
    noSecret(outcome);
  });

  it('a server that never answers: bounded by the timeout, one request only', async () => {
    const before = recorder.posted.length;
    const outcome = await postWebhook({ url: url('hang'), format: 'slack' }, message, { timeoutMs: 300 });
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/did not answer within 0\.3 s$/) });
    expect(recorder.posted.length - before).toBe(1);
    noSecret(outcome);
  });

  it('a connection reset, and a port nobody listens on', async () => {
    const reset = await postWebhook({ url: url('reset'), format: 'ntfy' }, message);
    expect(reset).toMatchObject({ ok: false, reason: expect.stringMatching(/could not be reached \(\w+/) });
    noSecret(reset);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await postWebhook({ url: `http://127.0.0.1:${port}/${SECRET}`, format: 'json' }, message);
    expect(refused).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/could not be reached \(ECONNREFUSED\)/),
    });
    noSecret(refused);
  });
});

describe('webhookUrlProblem: bad input is a sentence with a fix, before anything is kept', () => {
  it.each([
    ['https://hooks.slack.com/services/T/B/X', undefined],
    ['https://ntfy.sh/my-topic', undefined],
    ['http://localhost:8080/hook', undefined],
    ['http://127.0.0.1/hook', undefined],
    ['http://[::1]:9/x', undefined],
  ])('accepts %s', (url, expected) => expect(webhookUrlProblem(url)).toBe(expected));

  it.each([
    ['http://hooks.slack.com/services/T/B/X', /must use https \(http would send/],
    ['ftp://example.com/x', /must use https \(ftp would send/],
    ['http://localhost.evil.com/x', /must use https/],
    ['hooks.slack.com/services/T', /is not a URL/],
    ['', /is not a URL/],
    ['https://user:pw@example.com/x', /holds a user name or password/],
    [`https://example.com/${'a'.repeat(2100)}`, /longer than 2048 characters/],
  ])('refuses %s', (url, message) => {
    const problem = webhookUrlProblem(url);
    expect(problem?.message).toMatch(message);
    expect(problem?.message).toMatch(/\.$/);
    expect(problem?.message).not.toMatch(/\.\.$/);
    expect(problem?.fix.length).toBeGreaterThan(10);
  });
});

describe('webhookUrlShown: what the page may see of a kept URL', () => {
  it.each([
    ['https://hooks.slack.com/services/T/B/X', 'hooks.slack.com/…'],
    ['https://NTFY.sh/my-topic?auth=tok', 'ntfy.sh/…'],
    ['http://127.0.0.1:8080/hook#frag', '127.0.0.1:8080/…'],
    ['http://[::1]:9/x', '[::1]:9/…'],
    ['https://user:pw@example.com/x', 'example.com/…'],
    ['not a url', '…'],
  ])('%s shows as %s: the host, never the path, query or a password', (url, shown) =>
    expect(webhookUrlShown(url)).toBe(shown),
  );
});
