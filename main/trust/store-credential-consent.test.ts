import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { electronTrustGate, type NativeDialogs } from '../app/electron-trust';
import { silentLogger } from '../core/logger';
import { browserTrustGate } from '../web/browser-trust';
import type { TerminalPrompt } from '../web/terminal-prompt';
import { pathAllowlist } from './path-allowlist';
import { confirmStoreCredentialsOnce, storeConsentFile } from './store-credential-consent';
import type { StoreCredentialsExposure } from './trust-gate';

const root = mkdtempSync(join(tmpdir(), 'traindeck-store-consent-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshData = () => join(root, `data-${++n}`);

const ceph: StoreCredentialsExposure = {
  runName: 'demo',
  destination: 'ana@10.0.0.5:22',
  endpoint: 'http://127.0.0.1:7480',
  accessKeyId: 'STOREKEY0001',
};

function dialogs(answers: number[]) {
  const shown: Array<{ title: string; message: string; detail: string }> = [];
  const native: NativeDialogs = {
    showMessageBox: async (options) => {
      shown.push({ title: options.title, message: options.message, detail: options.detail });
      return { response: answers.shift() ?? 0 };
    },
    showSaveDialog: async () => ({ canceled: true }),
    showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  };
  return { native, shown };
}

function terminal(interactive: boolean, answers: boolean[] = []) {
  const asked: string[] = [];
  const prompt: TerminalPrompt = {
    interactive,
    print: () => {},
    confirm: async (question) => {
      asked.push(question);
      return answers.shift() ?? false;
    },
  };
  return { prompt, asked };
}

const browser = (prompt: TerminalPrompt, allowStoreCredentials = false) =>
  browserTrustGate({
    paths: pathAllowlist([root]),
    allowLocalRuns: false,
    allowedHosts: [],
    allowStoreCredentials,
    terminal: prompt,
    log: silentLogger,
  });

describe("an S3-compatible store's own credentials: confirmed once per endpoint and key, remembered by main", () => {
  it('desktop app: a native dialog says they go as they are; a yes is remembered, a no is not', async () => {
    const data = freshData();
    const user = dialogs([0, 1]);
    const gate = electronTrustGate({ dialogs: user.native, appData: pathAllowlist([data]) });
    const confirm = confirmStoreCredentialsOnce(data, (exposure) => gate.confirmStoreCredentials(exposure));

    await expect(confirm(ceph)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(user.shown[0]?.message).toBe("Send the S3 store's own credentials to ana@10.0.0.5:22?");
    expect(user.shown[0]?.detail).toContain('http://127.0.0.1:7480, an S3-compatible store without STS');
    expect(user.shown[0]?.detail).toContain('access key STOREKEY0001) are sent as they are');
    expect(() => statSync(storeConsentFile(data))).toThrow();

    await confirm(ceph);
    expect(user.shown).toHaveLength(2);
    const file = storeConsentFile(data);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      confirmed: [{ endpoint: 'http://127.0.0.1:7480', accessKeyId: 'STOREKEY0001' }],
    });

    // The same store (a trailing slash is the same endpoint) and key: not asked again, also by a new process.
    await confirm({ ...ceph, endpoint: 'http://127.0.0.1:7480/', destination: 'this computer (a local run)' });
    const later = confirmStoreCredentialsOnce(data, () => Promise.reject(new Error('must not ask')));
    await later(ceph);
    expect(user.shown).toHaveLength(2);

    // Another key or another store is another question.
    await expect(later({ ...ceph, accessKeyId: 'STOREKEY0002' })).rejects.toThrow('must not ask');
    await expect(later({ ...ceph, endpoint: 'http://10.0.0.9:9000' })).rejects.toThrow('must not ask');
  });

  it('browser host: asked on its terminal; without one, refused with the flag; the flag confirms', async () => {
    const none = terminal(false);
    const silent = confirmStoreCredentialsOnce(freshData(), (e) => browser(none.prompt).confirmStoreCredentials(e));
    await expect(silent(ceph)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      fix: 'Restart the browser host in a terminal, or with --allow-store-credentials.',
    });

    const data = freshData();
    const user = terminal(true, [false, true]);
    const asking = confirmStoreCredentialsOnce(data, (e) => browser(user.prompt).confirmStoreCredentials(e));
    await expect(asking(ceph)).rejects.toMatchObject({ code: 'CANCELLED' });
    await asking(ceph);
    await asking(ceph);
    expect(user.asked).toHaveLength(2);
    expect(user.asked[0]).toContain(
      "The store's own credentials (access key STOREKEY0001) are sent as they are to ana@10.0.0.5:22",
    );

    const flagged = terminal(true);
    await confirmStoreCredentialsOnce(freshData(), (e) => browser(flagged.prompt, true).confirmStoreCredentials(e))(
      ceph,
    );
    expect(flagged.asked).toEqual([]);
  });

  it('a consent file that is not one (another program wrote there, or it is cut) counts as no confirmation', async () => {
    for (const content of [
      '\u0000\u0001binary key bytes',
      '{"confirmed": [{"endpoint": "http://127.0.0.1:7480"',
      '{"confirmed": "all"}',
    ]) {
      const data = freshData();
      mkdirSync(join(data, 'trust'), { recursive: true });
      writeFileSync(storeConsentFile(data), content);
      const asked: string[] = [];
      await confirmStoreCredentialsOnce(data, async (e) => void asked.push(e.endpoint))(ceph);
      expect(asked).toEqual(['http://127.0.0.1:7480']);
    }
  });
});
