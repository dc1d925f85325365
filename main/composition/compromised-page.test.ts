/**
 * The compromised page: whoever controls the window (or holds the browser host's token) sends
 * every command of the contract with hostile payloads. The invariant: nothing happens on this
 * machine beyond what the user confirmed through a channel the page does not control. Checked
 * after every attack: no file appeared or changed outside the allowed folders, no run started,
 * no answer told the page whether a file outside them exists, no untracked resource was deleted.
 * Both gates are the real ones: the browser host's (allowlist, flags, a terminal) and the desktop
 * app's (native dialogs, here answered by a script playing the user).
 */
import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ScanResult } from '../../shared/domain/cost';
import type { RunSnapshot } from '../../shared/domain/run';
import { COMMAND_NAMES } from '../../shared/ipc/contract';
import type { Result } from '../../shared/ipc/result';
import { VALID_REQUESTS } from '../../shared/ipc/testing/valid-requests';
import type { RunConfig } from '../../shared/run-config/schema';
import { electronTrustGate, type NativeDialogs } from '../app/electron-trust';
import { silentLogger } from '../core/logger';
import type { Sender } from '../core/router';
import { pathAllowlist } from '../trust/path-allowlist';
import type { TrustGate } from '../trust/trust-gate';
import { browserTrustGate } from '../web/browser-trust';
import type { TerminalPrompt } from '../web/terminal-prompt';
import { createCore } from './create-core';

let root: string;
let outside: string;
let project: string;
let data: string;
const page: Sender = { transport: 'web', authenticated: true };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-compromised-page-'));
  outside = join(root, 'outside');
  project = join(root, 'project');
  data = join(root, 'data');
  await mkdir(outside);
  await mkdir(project);
  await mkdir(data);
  await writeFile(join(outside, 'id_ed25519'), 'a private key the page wants\n', { mode: 0o600 });
  await writeFile(join(outside, 'sealed.key'), Buffer.alloc(32, 7), { mode: 0o600 });
  // A link inside an allowed folder that leads out of it, and a dangling one.
  await symlink(outside, join(project, 'escape'));
  await symlink(join(outside, 'not-yet'), join(project, 'dangling.key'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Names, sizes and mtimes of everything under `dir`: equal before and after means nothing was touched. */
async function fingerprint(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return Promise.all(
    entries.sort().map(async (entry) => {
      const info = await stat(join(dir, entry)).catch(() => undefined);
      return `${entry}:${info?.size ?? '-'}:${info?.mtimeMs ?? '-'}`;
    }),
  );
}

function scriptedTerminal(interactive: boolean, answer = false) {
  const printed: string[] = [];
  const asked: string[] = [];
  const terminal: TerminalPrompt = {
    interactive,
    print: (text) => void printed.push(text),
    confirm: async (question) => {
      asked.push(question);
      return answer;
    },
  };
  return { terminal, printed, asked };
}

function core(trust: TrustGate, dataDir = data) {
  return createCore({
    trust,
    transport: 'web',
    isTrusted: () => true,
    log: silentLogger,
    projectRoot: project,
    env: {
      TRAINDECK_DATA_DIR: dataDir,
      TRAINDECK_FAKE_AWS: '1',
      AWS_REGION: 'eu-west-1',
      AWS_CONFIG_FILE: join(root, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(root, 'no-aws-credentials'),
    },
  });
}

function browserGate(terminal: TerminalPrompt, extra: { allowLocalRuns?: boolean; allowedHosts?: string[] } = {}) {
  return browserTrustGate({
    paths: pathAllowlist([data, project]),
    allowLocalRuns: extra.allowLocalRuns ?? false,
    allowedHosts: extra.allowedHosts ?? [],
    terminal,
    log: silentLogger,
  });
}

/** A run config whose every path is outside the allowed folders, training with a command that would leave a mark. */
function hostileConfig(): RunConfig {
  return {
    version: 1,
    name: 'pwn',
    aws: { region: 'eu-west-1' },
    storage: {
      bucket: 'td-data',
      prefix: 'team/demo',
      sseKeyFile: join(outside, 'sealed.key'),
      localRoot: join(outside, 'data'),
      folders: [{ name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' }],
    },
    training: { command: `touch ${join(outside, 'pwned')}` },
  } as RunConfig;
}

const HOSTILE_PATHS = () => [
  '/etc/passwd',
  join(outside, 'id_ed25519'),
  join(project, '..', 'outside', 'id_ed25519'),
  join(project, 'escape', 'id_ed25519'),
  `${project}/./escape/../escape/id_ed25519`,
];

const failed = (result: Result<unknown>) => (result.ok ? 'ok' : result.error.code);

describe('a compromised page against the browser host (no terminal, default flags)', () => {
  it('config.checkFiles does not tell whether a file outside the allowed folders exists', async () => {
    const { router } = core(browserGate(scriptedTerminal(false).terminal));
    const before = await fingerprint(outside);
    const paths = [...HOSTILE_PATHS(), join(outside, 'no-such-file')];
    const result = await router.handle('config.checkFiles', { paths }, page);
    expect(result.ok).toBe(true);
    const answers = (result as { value: Array<{ ok: boolean; reason?: string; problem?: string }> }).value;
    // Same answer for an existing and a missing file: no oracle.
    expect(new Set(answers.map((a) => `${a.ok}:${a.reason}:${a.problem}`)).size).toBe(1);
    expect(answers[0]?.ok).toBe(false);
    expect(answers[0]?.reason).toBe('not-allowed');
    expect(answers[0]?.problem).toMatch(/^not checked: .*--allow-dir/);
    expect(await fingerprint(outside)).toEqual(before);
  });

  it('keys.generate and keys.export write nothing outside the allowed folders (.., symlinked folder, dangling link)', async () => {
    const { router } = core(browserGate(scriptedTerminal(false).terminal));
    const before = await fingerprint(outside);
    for (const path of [
      join(outside, 'new.key'),
      join(project, '..', 'outside', 'new.key'),
      join(project, 'escape', 'new.key'),
      join(project, 'dangling.key'),
      '/etc/cron.d/traindeck',
    ]) {
      expect(failed(await router.handle('keys.generate', { path }, page)), path).toBe('FORBIDDEN');
    }
    // A key inside the allowed folders works, but its copy may not leave them.
    const own = join(data, 'keys', 'mine.key');
    expect(failed(await router.handle('keys.generate', { path: own }, page))).toBe('ok');
    const exported = await router.handle('keys.export', { path: own, to: join(project, 'escape', 'copy.key') }, page);
    expect(failed(exported)).toBe('FORBIDDEN');
    expect(failed(await router.handle('keys.inspect', { path: join(outside, 'sealed.key') }, page))).toBe('FORBIDDEN');
    expect(failed(await router.handle('keys.seal', { path: join(outside, 'sealed.key') }, page))).toBe('FORBIDDEN');
    expect(
      failed(await router.handle('keys.export', { path: join(outside, 'sealed.key'), to: join(data, 'x.key') }, page)),
    ).toBe('FORBIDDEN');
    expect(await fingerprint(outside)).toEqual(before);
  });

  it('a local run (any shell command on this computer) is off without --allow-local-runs', async () => {
    const { router } = core(browserGate(scriptedTerminal(true, true).terminal));
    const config = { ...hostileConfig(), storage: { ...hostileConfig().storage, sseKeyFile: join(data, 'k.key') } };
    config.storage.localRoot = join(project, 'data');
    const result = await router.handle('runs.start', { config, backend: 'local' }, page);
    expect(failed(result)).toBe('FORBIDDEN');
    expect(result.ok ? '' : result.error.fix).toContain('--allow-local-runs');
    expect((await router.handle('runs.list', {}, page)) as Result<RunSnapshot[]>).toEqual({ ok: true, value: [] });
  });

  it('an ssh-host run reads no file outside the allowed folders and reaches no host the terminal did not confirm', async () => {
    const silent = scriptedTerminal(false);
    const { router } = core(browserGate(silent.terminal));
    const host = { address: 'attacker@203.0.113.9:22', identityFile: join(data, 'id') };
    // Files outside: refused before any question.
    const hostile = await router.handle('runs.start', { config: hostileConfig(), backend: 'ssh-host', host }, page);
    expect(failed(hostile)).toBe('FORBIDDEN');
    // Files inside, but a host nobody confirmed, and no terminal to ask on: refused with the flag.
    const config = hostileConfig();
    config.storage = { ...config.storage, sseKeyFile: join(data, 'k.key'), localRoot: join(project, 'data') };
    const foreign = await router.handle('runs.start', { config, backend: 'ssh-host', host }, page);
    expect(failed(foreign)).toBe('FORBIDDEN');
    expect(foreign.ok ? '' : foreign.error.fix).toContain('--allow-host attacker@203.0.113.9:22');

    // With a terminal whose user says no: asked, with the host and every file named, then refused.
    const refusing = scriptedTerminal(true, false);
    const second = core(browserGate(refusing.terminal), join(root, 'data-refusing'));
    const refused = await second.router.handle('runs.start', { config, backend: 'ssh-host', host }, page);
    expect(failed(refused)).toBe('CANCELLED');
    expect(refusing.asked).toHaveLength(1);
    expect(refusing.asked[0]).toContain('attacker@203.0.113.9:22');
    expect(refusing.asked[0]).toContain(join(data, 'k.key'));
    expect(refusing.asked[0]).toContain('AWS credentials');
    for (const r of [router, second.router]) {
      expect(await r.handle('runs.list', {}, page)).toEqual({ ok: true, value: [] });
    }
  });

  it('a secret env file outside the allowed folders: the run and its preflight are refused, naming the file, before any question', async () => {
    const asking = scriptedTerminal(true, true);
    const { router } = core(browserGate(asking.terminal, { allowLocalRuns: true }), join(root, 'data-secret-env'));
    const config = hostileConfig();
    config.storage = { ...config.storage, sseKeyFile: join(data, 'k.key'), localRoot: join(project, 'data') };
    config.training = { ...config.training!, secretEnv: { WANDB_API_KEY: join(project, 'escape', 'id_ed25519') } };
    for (const backend of ['local', 'ssh-host'] as const) {
      const host = { address: 'me@203.0.113.9', identityFile: join(data, 'id') };
      const result = await router.handle(
        'runs.start',
        { config, backend, ...(backend === 'ssh-host' ? { host } : {}) },
        page,
      );
      expect(failed(result), backend).toBe('FORBIDDEN');
      expect(result.ok ? '' : result.error.message).toContain(join(project, 'escape', 'id_ed25519'));
    }
    const preflight = await router.handle('preflight.run', { config }, page);
    expect(failed(preflight)).toBe('FORBIDDEN');
    expect(asking.asked).toEqual([]);
    expect(await router.handle('runs.list', {}, page)).toEqual({ ok: true, value: [] });
  });

  it('preflight reads no file outside the allowed folders', async () => {
    const { router } = core(browserGate(scriptedTerminal(false).terminal));
    expect(failed(await router.handle('preflight.run', { config: hostileConfig() }, page))).toBe('FORBIDDEN');
  });

  it('untracked resources: the old computable phrase, a guessed one and a replayed one delete nothing', async () => {
    const shown = scriptedTerminal(false);
    const { router } = core(browserGate(shown.terminal), join(root, 'data-kill'));
    const scan = (await router.handle('costs.scan', {}, page)) as { ok: true; value: ScanResult };
    const untracked = scan.value.resources.filter((r) => !r.ours).map((r) => r.id);
    expect(untracked.length).toBeGreaterThan(0);
    const kill = (confirmation: string) =>
      router.handle('costs.killAll', { resourceIds: untracked, includeUntracked: true, confirmation }, page);
    expect(failed(await kill(`delete ${untracked.length} untracked`))).toBe('PRECONDITION_FAILED');
    // Asked for: the phrase went to the terminal only; the answer to the page does not hold it.
    const asked = await router.handle('costs.untrackedPhrase', { resourceIds: untracked }, page);
    expect(JSON.stringify(asked)).not.toMatch(/untracked [a-z]+-\d\d/);
    const phrase = /type this phrase in the window: (.+)$/m.exec(shown.printed.at(-1) ?? '')?.[1] ?? '';
    expect(phrase).toMatch(new RegExp(`^delete ${untracked.length} untracked [a-z]+-\\d\\d$`));
    // One wrong guess spends the phrase: the right one no longer works after it.
    expect(failed(await kill(`delete ${untracked.length} untracked maple-10`))).toBe('PRECONDITION_FAILED');
    expect(failed(await kill(phrase))).toBe('PRECONDITION_FAILED');
    const rescan = (await router.handle('costs.scan', {}, page)) as { ok: true; value: ScanResult };
    expect(rescan.value.resources.filter((r) => !r.ours).map((r) => r.id)).toEqual(untracked);
  });

  it('huge inputs are refused by validation before any handler runs', async () => {
    const { router } = core(browserGate(scriptedTerminal(false).terminal));
    const long = '/'.padEnd(5000, 'a');
    expect(failed(await router.handle('config.checkFiles', { paths: Array(201).fill('/etc/passwd') }, page))).toBe(
      'INVALID_REQUEST',
    );
    expect(failed(await router.handle('keys.generate', { path: long }, page))).toBe('INVALID_REQUEST');
    expect(
      failed(
        await router.handle(
          'costs.killAll',
          { resourceIds: Array(1001).fill('i-1'), includeUntracked: true, confirmation: 'x' },
          page,
        ),
      ),
    ).toBe('INVALID_REQUEST');
    expect(
      failed(
        await router.handle(
          'costs.killAll',
          { resourceIds: ['i-1'], includeUntracked: true, confirmation: long },
          page,
        ),
      ),
    ).toBe('INVALID_REQUEST');
    expect(failed(await router.handle('app.ping', { echo: 'x'.repeat(10_000) }, page))).toBe('INVALID_REQUEST');
  });

  it('the data folder is only one of the allowed folders; hostile settings are refused and change nothing', async () => {
    const { router } = core(browserGate(scriptedTerminal(false).terminal), join(root, 'data-settings'));
    for (const path of [outside, join(project, 'escape'), join(project, '..', 'outside')]) {
      expect(failed(await router.handle('settings.chooseDataFolder', { path }, page)), path).toBe('FORBIDDEN');
    }
    for (const patch of [
      { monitoring: { sampleIntervalSeconds: 0 } },
      { monitoring: { stall: { minutes: 1e9 } } },
      { aws: { profile: '../../etc/passwd' } },
      { dataFolder: outside },
    ]) {
      expect(failed(await router.handle('settings.update', patch, page)), JSON.stringify(patch)).toBe(
        'INVALID_REQUEST',
      );
    }
    const got = await router.handle('settings.get', {}, page);
    expect(got).toMatchObject({ ok: true, value: { settings: { theme: 'system' } } });
    expect(JSON.stringify(got)).not.toContain('dataFolder');
    const allowed = await router.handle('settings.chooseDataFolder', { path: join(project, 'run-data') }, page);
    expect(allowed).toMatchObject({ ok: true, value: { settings: { dataFolder: join(project, 'run-data') } } });
  });

  it('every command of the contract, sent with hostile paths, leaves this machine as it was', async () => {
    const shown = scriptedTerminal(true, false);
    const { router } = core(browserGate(shown.terminal), join(root, 'data-every'));
    const before = await fingerprint(outside);
    const bad = join(project, 'escape', 'id_ed25519');
    const hostile: Record<string, unknown> = {
      ...VALID_REQUESTS,
      'preflight.run': { config: hostileConfig() },
      'config.checkFiles': { paths: HOSTILE_PATHS() },
      'keys.generate': { path: join(outside, 'g.key') },
      'keys.inspect': { path: bad },
      'keys.seal': { path: bad },
      'keys.export': { path: join(outside, 'sealed.key'), to: join(outside, 'plain.key') },
      'runs.start': {
        config: hostileConfig(),
        backend: 'ssh-host',
        host: { address: 'a@203.0.113.9', identityFile: bad },
      },
      'costs.killAll': {
        resourceIds: ['i-07e57e57e57e57e57'],
        includeUntracked: true,
        confirmation: 'delete 1 untracked',
      },
    };
    for (const command of COMMAND_NAMES) await router.handle(command, hostile[command], page);
    await router.handle('runs.start', { config: hostileConfig(), backend: 'local' }, page);
    expect(await fingerprint(outside)).toEqual(before);
    expect(await router.handle('runs.list', {}, page)).toEqual({ ok: true, value: [] });
    // No question reached the terminal: the files outside were refused before any was asked.
    expect(shown.asked).toEqual([]);
  });
});

describe('a compromised page against the desktop app (native dialogs run by main)', () => {
  function scriptedDialogs(answers: { message: number; save?: string }) {
    const shown: Array<{ message: string; detail: string }> = [];
    const saves: string[] = [];
    const dialogs: NativeDialogs = {
      showMessageBox: async (options) => {
        shown.push({ message: options.message, detail: options.detail });
        return { response: answers.message };
      },
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async (options) => {
        saves.push(options.defaultPath);
        return answers.save ? { canceled: false, filePath: answers.save } : { canceled: true };
      },
    };
    return { dialogs, shown, saves };
  }
  const gate = (dialogs: NativeDialogs) => electronTrustGate({ dialogs, appData: pathAllowlist([data]) });

  it('a key is written only where the user chose in the save dialog, never at the path the page sent', async () => {
    const user = scriptedDialogs({ message: 0, save: join(data, 'chosen', 'user.key') });
    const { router } = core(gate(user.dialogs), join(root, 'data-electron-keys'));
    await mkdir(join(data, 'chosen'), { recursive: true });
    const before = await fingerprint(outside);
    const result = await router.handle('keys.generate', { path: join(outside, 'evil.key') }, page);
    expect(result).toMatchObject({ ok: true, value: { path: join(data, 'chosen', 'user.key') } });
    expect(user.saves).toEqual([join(outside, 'evil.key')]);
    // A cancelled save dialog writes nothing.
    const cancelling = scriptedDialogs({ message: 0 });
    const second = core(gate(cancelling.dialogs), join(root, 'data-electron-keys2'));
    expect(failed(await second.router.handle('keys.generate', { path: join(outside, 'evil.key') }, page))).toBe(
      'CANCELLED',
    );
    expect(await fingerprint(outside)).toEqual(before);
  });

  it('the data folder is the one chosen in the native folder dialog, never the path the page sent', async () => {
    const chosen = join(data, 'chosen-folder');
    const starts: Array<string | undefined> = [];
    const dialogs: NativeDialogs = {
      ...scriptedDialogs({ message: 0 }).dialogs,
      showOpenDialog: async (options) => {
        starts.push(options.defaultPath);
        return { canceled: false, filePaths: [chosen] };
      },
    };
    const { router } = core(gate(dialogs), join(root, 'data-electron-folder'));
    const result = await router.handle('settings.chooseDataFolder', { path: outside }, page);
    expect(result).toMatchObject({ ok: true, value: { settings: { dataFolder: chosen } } });
    expect(starts).toEqual([outside]);
    // Cancelled: nothing changes.
    const cancelling = core(gate(scriptedDialogs({ message: 0 }).dialogs), join(root, 'data-electron-folder2'));
    expect(failed(await cancelling.router.handle('settings.chooseDataFolder', { path: outside }, page))).toBe(
      'CANCELLED',
    );
  });

  it('checkFiles outside what the user allowed asks first; a refusal answers nothing about existence', async () => {
    const user = scriptedDialogs({ message: 0 });
    const { router } = core(gate(user.dialogs), join(root, 'data-electron-check'));
    const result = await router.handle(
      'config.checkFiles',
      { paths: [join(outside, 'id_ed25519'), join(outside, 'missing')] },
      page,
    );
    const answers = (result as { value: Array<{ ok: boolean; problem?: string }> }).value;
    expect(answers[0]).toEqual({ ...answers[1], path: join(outside, 'id_ed25519') });
    expect(user.shown[0]?.detail).toContain(join(outside, 'id_ed25519'));
  });

  it('a local or ssh-host run starts only after the native dialog that lists what goes where', async () => {
    const user = scriptedDialogs({ message: 0 });
    const { router } = core(gate(user.dialogs), join(root, 'data-electron-runs'));
    const host = { address: 'attacker@203.0.113.9', identityFile: join(outside, 'id_ed25519') };
    expect(failed(await router.handle('runs.start', { config: hostileConfig(), backend: 'local' }, page))).toBe(
      'CANCELLED',
    );
    expect(
      failed(await router.handle('runs.start', { config: hostileConfig(), backend: 'ssh-host', host }, page)),
    ).toBe('CANCELLED');
    expect(user.shown[0]?.message).toContain('this computer');
    expect(user.shown[1]?.message).toContain('attacker@203.0.113.9:22');
    expect(user.shown[1]?.detail).toContain(join(outside, 'sealed.key'));
    expect(user.shown[1]?.detail).toContain('AWS credentials');
    expect(await router.handle('runs.list', {}, page)).toEqual({ ok: true, value: [] });
  });

  it("the run's confirmation lists each secret env file with its variable name (a path, never the value)", async () => {
    const user = scriptedDialogs({ message: 0 });
    const { router } = core(gate(user.dialogs), join(root, 'data-electron-secret-env'));
    await writeFile(join(outside, 'wandb-key'), 'wandb-secret-value-123\n', { mode: 0o600 });
    const config = hostileConfig();
    config.training = { ...config.training!, secretEnv: { WANDB_API_KEY: join(outside, 'wandb-key') } };
    expect(failed(await router.handle('runs.start', { config, backend: 'local' }, page))).toBe('CANCELLED');
    const detail = user.shown[0]?.detail ?? '';
    expect(detail).toContain(`secret env WANDB_API_KEY (given to the training): ${join(outside, 'wandb-key')}`);
    expect(JSON.stringify(user.shown)).not.toContain('wandb-secret-value-123');
  });

  it("a sealed key's plain copy needs the dialog's yes", async () => {
    const user = scriptedDialogs({ message: 0, save: join(data, 'plain-copy.key') });
    const gateway = gate(user.dialogs);
    await expect(gateway.confirmPlaintextExport(join(data, 'a.key'), join(data, 'b.key'))).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });

  it('the kill phrase is shown in a native dialog, not returned to the page', async () => {
    const user = scriptedDialogs({ message: 0 });
    const { router } = core(gate(user.dialogs), join(root, 'data-electron-kill'));
    const scan = (await router.handle('costs.scan', {}, page)) as { ok: true; value: ScanResult };
    const untracked = scan.value.resources.filter((r) => !r.ours).map((r) => r.id);
    const asked = await router.handle('costs.untrackedPhrase', { resourceIds: untracked }, page);
    expect(asked).toEqual({ ok: true, value: { count: untracked.length, shownIn: 'a TrainDeck dialog' } });
    const phrase = user.shown.at(-1)?.detail ?? '';
    expect(phrase).toMatch(/^delete \d+ untracked [a-z]+-\d\d$/);
    expect(JSON.stringify(asked)).not.toContain(phrase);
  });
});
