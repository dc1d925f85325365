// Opening a measured page: ours (the real renderer from the browser host) or a peer. Each gets a
// fresh browser context (its own renderer process, so heap and RSS are that page's alone).
import { epochNow, installProbe } from './probe.mjs';

/* global window */
/** Electron's default window (main/app/window.ts). */
const VIEWPORT = { width: 1280, height: 820 };
const PEER_ORIGIN = 'http://peer.bench.invalid';

async function newPage(browser) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && errors.push(`console: ${message.text()}`));
  await page.addInitScript(installProbe);
  return { context, page, errors };
}

/**
 * The app from the browser host, with `runs.list` and `monitor.snapshot` answered by `answer`
 * (as e2e/web/monitor.spec.ts does) and everything else by the host. `sentAt[command]` is the
 * epoch ms an answer left, the start of a "time to first render".
 */
export async function openApp(browser, hostUrl, answer) {
  const { context, page, errors } = await newPage(browser);
  let client;
  const sentAt = {};
  await page.routeWebSocket(/\/ipc/, (ws) => {
    client = ws;
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message));
      const value = answer(frame.command, frame.payload);
      if (value === undefined) return server.send(message);
      const text = JSON.stringify({ type: 'result', id: frame.id, result: { ok: true, value } });
      sentAt[frame.command] = epochNow();
      ws.send(text);
    });
    server.onMessage((message) => ws.send(message));
  });
  await page.goto(hostUrl);
  // Generous: on a busy 2-core machine the first load alone can take tens of seconds.
  await page.locator('html[data-app-ready="true"]').waitFor({ timeout: 90_000 });
  return withCdp({ context, page, errors, sentAt, push: pusher(() => client, sentAt) });
}

/** The Runs page, which opens the monitor of the running run. */
export async function openRuns(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Runs' }).click();
}

/** A peer page (lib/peer-pages.mjs) whose WebSocket is answered by the bench alone. */
export async function openPeer(browser, html) {
  const { context, page, errors } = await newPage(browser);
  let client;
  await page.route(`${PEER_ORIGIN}/**`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.routeWebSocket(/\/ipc/, (ws) => (client = ws));
  await page.goto(`${PEER_ORIGIN}/peer.html`);
  await page.waitForFunction(() => window.__peerReady === true);
  const sentAt = {};
  return withCdp({ context, page, errors, sentAt, push: pusher(() => client, sentAt) });
}

/** Sends an event frame as main's transport does; the clock starts once the JSON is made. */
function pusher(client, sentAt) {
  return (event, payload) => {
    const text = JSON.stringify({ type: 'event', event, payload });
    sentAt[event] = epochNow();
    client().send(text);
  };
}

async function withCdp(opened) {
  const cdp = await opened.context.newCDPSession(opened.page);
  await cdp.send('Performance.enable');
  return { ...opened, cdp, close: () => opened.context.close() };
}
