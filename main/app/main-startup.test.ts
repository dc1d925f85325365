/**
 * The desktop app's startup, run for real in plain Node: the main bundle (main/app/main.ts,
 * bundled as scripts/build-node.mjs does, libraries left to node_modules) is evaluated with `require('electron')` answered by a
 * STAND-IN that records every call (./testing/electron-stand-in). This checks the order and the
 * paths; the real Electron specs in e2e/electron check the rest where the binary exists.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

import { build } from 'esbuild';
import { beforeAll, describe, expect, it, vi } from 'vitest';

import { DEFAULT_SETTINGS } from '../../shared/domain/settings';
import { commandChannel, eventChannel } from '../../shared/ipc/channels';
import { RENDERER_CSP_HEADER } from '../../shared/security/csp';
import { createElectronStandIn, type ElectronStandIn, type StandInOptions } from './testing/electron-stand-in';

const nodeRequire = createRequire(import.meta.url);
const DIST_MAIN = resolve('dist', 'main');
let mainBundle = '';

beforeAll(async () => {
  const result = await build({
    entryPoints: ['main/app/main.ts'],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    logLevel: 'silent',
    // Our code is bundled (as scripts/build-node.mjs does); libraries load from node_modules, and
    // `electron` from the stand-in.
    packages: 'external',
  });
  mainBundle = result.outputFiles[0]!.text;
}, 120_000);

interface Launch {
  standIn: ElectronStandIn;
  stderr: string[];
  dataDir: string;
  /** The bundle's `process.on` listeners land here, not on the test runner's own process. */
  processEvents: EventEmitter;
}

/** Evaluates the main bundle under the stand-in, with its own environment and platform. */
function launch(
  options: StandInOptions & {
    env?: Record<string, string>;
    platform?: NodeJS.Platform;
    /** The main bundle's folder (`dist/main`); its `../renderer` is what app:// serves. */
    mainDir?: string;
  } = {},
): Launch {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'traindeck-startup-')), 'data');
  const env = {
    TRAINDECK_DATA_DIR: dataDir,
    TRAINDECK_FAKE_AWS: '1',
    HOME: tmpdir(),
    PATH: process.env.PATH ?? '',
    AWS_CONFIG_FILE: join(dataDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'no-aws-credentials'),
    ...options.env,
  };
  const standIn = createElectronStandIn(options);
  const stderr: string[] = [];
  const fakeStderr = { write: (text: string) => void stderr.push(String(text)) };
  const processEvents = new EventEmitter();
  const standInProcess = new Proxy(process, {
    get(target, key) {
      if (key === 'env') return env;
      if (key === 'on') return processEvents.on.bind(processEvents);
      if (key === 'platform') return options.platform ?? 'linux';
      if (key === 'stderr') return fakeStderr;
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const requireWithStandIn = (id: string) => (id === 'electron' ? standIn.electron : nodeRequire(id));
  const module = { exports: {} };
  new Function('require', 'module', 'exports', '__filename', '__dirname', 'process', mainBundle)(
    requireWithStandIn,
    module,
    module.exports,
    join(options.mainDir ?? DIST_MAIN, 'main.cjs'),
    options.mainDir ?? DIST_MAIN,
    standInProcess,
  );
  return { standIn, stderr, dataDir: env.TRAINDECK_DATA_DIR, processEvents };
}

/** Lets promise callbacks run, until `done()` holds (bounded: 200 turns of the event loop). */
async function settle(done: () => boolean = () => false): Promise<void> {
  for (let turn = 0; turn < 200 && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
}

async function launchReady(options: Parameters<typeof launch>[0] = {}) {
  const launched = launch(options);
  launched.standIn.becomeReady();
  await settle(() => launched.standIn.windows.length > 0 || launched.standIn.names().includes('app.exit'));
  return launched;
}

interface MenuItem {
  label?: string;
  role?: string;
  click?: () => void;
  submenu?: MenuItem[];
}
const trayMenu = (standIn: ElectronStandIn): MenuItem[] => {
  const menus = standIn.calls.filter(([name]) => name === 'tray.setContextMenu');
  return (menus.at(-1)?.[1] as { template: MenuItem[] }).template;
};

describe('desktop startup under a stand-in electron module', () => {
  it('an uncaught error in main is not carried on with: the user is told why and the app exits 1 (#12)', async () => {
    const { standIn, processEvents } = await launchReady();
    expect(processEvents.listenerCount('uncaughtException')).toBe(1);
    expect(processEvents.listenerCount('unhandledRejection')).toBe(1);
    processEvents.emit('unhandledRejection', new Error('a wait that failed nowhere'));
    await settle(() => standIn.names().includes('app.exit'));
    const box = standIn.calls.find(([name]) => name === 'dialog.showErrorBox');
    expect(box?.[1]).toBe('TrainDeck hit an unexpected error');
    expect(String(box?.[2])).toMatch(/^a wait that failed nowhere\./);
    expect(standIn.calls.find(([name]) => name === 'app.exit')?.[1]).toBe(1);
  });

  it('sets userData before the single-instance lock, so TRAINDECK_DATA_DIR isolates instances', () => {
    const { standIn, dataDir } = launch();
    const names = standIn.names();
    expect(names.indexOf('app.setPath')).toBeLessThan(names.indexOf('app.requestSingleInstanceLock'));
    expect(standIn.calls.find(([name]) => name === 'app.requestSingleInstanceLock')?.[1]).toBe(dataDir);
    // Logs live in the isolated folder too.
    expect(standIn.calls).toContainEqual(['app.setAppLogsPath', join(dataDir, 'logs')]);
  });

  it('registers second-instance at once, before anything waits for ready', () => {
    const names = launch().standIn.names();
    expect(names.indexOf('app.on second-instance')).toBeGreaterThan(names.indexOf('app.requestSingleInstanceLock'));
    expect(names.indexOf('app.on second-instance')).toBeLessThan(names.indexOf('app.whenReady'));
  });

  it('takes a relative TRAINDECK_DATA_DIR from the current folder instead of throwing', () => {
    const folder = relative(process.cwd(), join(mkdtempSync(join(tmpdir(), 'traindeck-rel-')), 'data'));
    const { standIn } = launch({ env: { TRAINDECK_DATA_DIR: folder } });
    expect(standIn.calls).toContainEqual(['app.setPath', 'userData', resolve(folder)]);
    expect(standIn.names()).not.toContain('dialog.showErrorBox');
  });

  it('quits without a window when another instance holds the lock', async () => {
    const { standIn } = launch({ lockGranted: false });
    standIn.becomeReady();
    await settle();
    expect(standIn.names()).toContain('app.quit');
    expect(standIn.names()).not.toContain('new BrowserWindow');
    expect(standIn.names()).not.toContain('app.on second-instance');
  });

  it('sets the AppUserModelId on Windows (no notifications without it), before the lock', () => {
    const windows = launch({ platform: 'win32' }).standIn;
    expect(windows.calls).toContainEqual(['app.setAppUserModelId', 'dev.traindeck.app']);
    expect(windows.names().indexOf('app.setAppUserModelId')).toBeLessThan(
      windows.names().indexOf('app.requestSingleInstanceLock'),
    );
    expect(launch({ platform: 'linux' }).standIn.names()).not.toContain('app.setAppUserModelId');
  });

  it('shows the window once it has painted, not before', async () => {
    const { standIn } = await launchReady();
    const [window] = standIn.windows;
    expect(standIn.calls).toContainEqual(['new BrowserWindow', { show: false }]);
    expect(standIn.names()).not.toContain('window.show');
    window!.emit('ready-to-show');
    expect(standIn.names()).toContain('window.show');
  });

  it('a second launch brings the running window forward', async () => {
    const { standIn } = await launchReady();
    standIn.windows[0]!.emit('ready-to-show');
    const before = standIn.names().filter((name) => name === 'window.focus').length;
    standIn.electron.app.emit('second-instance', {}, ['traindeck'], '/home');
    expect(standIn.names().filter((name) => name === 'window.focus').length).toBe(before + 1);
    expect(standIn.windows).toHaveLength(1);
  });

  it('writes a log file under the logs path', async () => {
    const { dataDir } = await launchReady();
    const logFile = join(dataDir, 'logs', 'main.log');
    expect(existsSync(logFile)).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toMatch(/"message":"started"/);
  });

  it('a startup that throws shows an error dialog naming the cause and the log, then exits', async () => {
    const { standIn, dataDir } = await launchReady({ windowThrows: 'GPU process isn’t usable' });
    const dialog = standIn.calls.find(([name]) => name === 'dialog.showErrorBox');
    expect(dialog?.[1]).toBe('TrainDeck could not start');
    expect(dialog?.[2]).toContain('GPU process isn’t usable.');
    expect(dialog?.[2]).toContain(join(dataDir, 'logs', 'main.log'));
    expect(dialog?.[2]).not.toMatch(/\.\./);
    expect(standIn.calls).toContainEqual(['app.exit', 1]);
  });

  it('installs an app menu without developer tools in a release build', async () => {
    const { standIn } = await launchReady({ isPackaged: true });
    const menu = standIn.calls.find(([name]) => name === 'Menu.setApplicationMenu')?.[1] as { template: MenuItem[] };
    const all = (items: MenuItem[]): MenuItem[] => items.flatMap((item) => [item, ...all(item.submenu ?? [])]);
    expect(all(menu.template).map((item) => item.role)).not.toContain('toggleDevTools');
  });

  it("tray → Kill all cost resources… with the window closed opens it straight on Costs (in the page's address)", async () => {
    const { standIn } = await launchReady();
    standIn.windows[0]!.destroy();
    trayMenu(standIn).find((item) => item.label === 'Kill all cost resources…')!.click!();
    expect(standIn.windows).toHaveLength(2);
    expect(standIn.calls.filter(([name]) => name === 'window.loadURL').at(-1)?.[1]).toBe(
      'app://traindeck/index.html#page=costs',
    );
  });

  it('tray → Kill all cost resources… with the window open sends it to Costs', async () => {
    const { standIn } = await launchReady();
    trayMenu(standIn).find((item) => item.label === 'Kill all cost resources…')!.click!();
    expect(standIn.windows).toHaveLength(1);
    expect(standIn.calls).toContainEqual(['webContents.send', eventChannel('app.navigate'), { page: 'costs' }]);
  });

  it("blocks navigation off the app origin, reading the URL from Electron 45's details object", async () => {
    const { standIn, stderr } = await launchReady();
    const contents = standIn.windows[0]!.webContents;
    const attempt = (event: string, url: string, isMainFrame = true) => {
      const preventDefault = vi.fn();
      contents.emit(event, { url, isMainFrame, preventDefault }, 'deprecated');
      return preventDefault.mock.calls.length > 0;
    };
    expect(attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(stderr.join('')).toContain('"url":"https://evil.example/"');
    for (const url of ['file:///etc/passwd', 'app://evil/index.html', 'app://traindeck.evil/', 'data:text/html,x']) {
      expect(attempt('will-navigate', url), url).toBe(true);
    }
    expect(attempt('will-redirect', 'https://evil.example/')).toBe(true);
    expect(attempt('will-frame-navigate', 'https://evil.example/', false)).toBe(true);
    // Within app://traindeck/ the page may move (a reload, its own index with another page).
    expect(attempt('will-navigate', 'app://traindeck/index.html#page=costs')).toBe(false);
    expect(attempt('will-frame-navigate', 'app://traindeck/index.html', false)).toBe(false);
  });

  it('registers app:// as privileged before ready, serves the renderer folder from it, and loads the window there', async () => {
    const built = mkdtempSync(join(tmpdir(), 'traindeck-built-'));
    mkdirSync(join(built, 'dist', 'main'), { recursive: true });
    mkdirSync(join(built, 'dist', 'renderer'));
    writeFileSync(join(built, 'dist', 'renderer', 'index.html'), '<!doctype html><title>TrainDeck</title>');
    writeFileSync(join(built, 'dist', 'secret.txt'), 'SECRET');
    const { standIn } = await launchReady({ mainDir: join(built, 'dist', 'main') });
    const names = standIn.names();
    expect(standIn.calls.find(([name]) => name === 'protocol.registerSchemesAsPrivileged')?.[1]).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(names.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(names.indexOf('app.whenReady'));
    expect(names.indexOf('protocol.handle')).toBeLessThan(names.indexOf('new BrowserWindow'));
    expect(standIn.calls.filter(([name]) => name === 'window.loadURL')).toEqual([
      ['window.loadURL', 'app://traindeck/index.html'],
    ]);
    expect(names).not.toContain('window.loadFile');

    const handler = standIn.protocolHandlers.get('app')!;
    const index = await handler(new Request('app://traindeck/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(RENDERER_CSP_HEADER);
    expect(await index.text()).toContain('<title>TrainDeck</title>');
    for (const url of [
      'app://traindeck/%2e%2e/secret.txt',
      'app://traindeck/..%2fsecret.txt',
      'app://evil/index.html',
    ]) {
      const response = await handler(new Request(url));
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('SECRET');
    }
  });

  it('grants the clipboard write to the main window only', async () => {
    const { standIn } = await launchReady();
    const request = standIn.permissionHandlers.request as (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { isMainFrame: boolean },
    ) => void;
    const ask = (contents: unknown, permission: string, isMainFrame = true) => {
      let granted: boolean | undefined;
      request(contents, permission, (answer) => (granted = answer), { isMainFrame });
      return granted;
    };
    const main = standIn.windows[0]!.webContents;
    expect(ask(main, 'clipboard-sanitized-write')).toBe(true);
    expect(ask(main, 'clipboard-sanitized-write', false)).toBe(false);
    expect(ask(main, 'clipboard-read')).toBe(false);
    expect(ask({ getURL: () => main.getURL() }, 'clipboard-sanitized-write')).toBe(false);
    // The renderer's own index.html opened from disk is not the app: only app://traindeck/ is.
    main.url = `file://${join(DIST_MAIN, '..', 'renderer', 'index.html')}`;
    expect(ask(main, 'clipboard-sanitized-write')).toBe(false);
  });

  it('reloads a crashed window at most three times a minute, then says so', async () => {
    const { standIn } = await launchReady();
    const contents = standIn.windows[0]!.webContents;
    for (let crash = 0; crash < 4; crash++) {
      contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    }
    contents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(standIn.names().filter((name) => name === 'webContents.reload')).toHaveLength(3);
    const dialog = standIn.calls.find(([name]) => name === 'dialog.showErrorBox');
    expect(dialog?.[1]).toBe('The TrainDeck window keeps crashing');
  });

  it("hands the Settings page's theme to Electron's nativeTheme: before the window paints, and at each change", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'traindeck-theme-')), 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, theme: 'dark' }));
    const { standIn } = await launchReady({ env: { TRAINDECK_DATA_DIR: dataDir }, osDark: false });
    const names = standIn.names();
    expect(standIn.electron.nativeTheme.themeSource).toBe('dark');
    // Set before the window exists: its background (shown until the page paints) is the dark one, on a light OS.
    expect(names.indexOf('nativeTheme.themeSource')).toBeLessThan(names.indexOf('new BrowserWindow'));
    const window = standIn.windows[0]!;
    expect(window.options.backgroundColor).toBe('#0f1420');

    // The page changes the theme through the contract, as the window would: main applies it at once.
    const contents = window.webContents;
    Object.assign(contents.mainFrame, { url: 'app://traindeck/index.html' });
    const update = (theme: string) =>
      standIn.ipcHandlers.get(commandChannel('settings.update'))!(
        { sender: contents, senderFrame: contents.mainFrame },
        { theme },
      ) as Promise<{ ok: boolean }>;
    expect(await update('light')).toMatchObject({ ok: true });
    expect(standIn.electron.nativeTheme.themeSource).toBe('light');
    expect(await update('system')).toMatchObject({ ok: true });
    expect(standIn.electron.nativeTheme.themeSource).toBe('system');
    // A refused value changes nothing.
    expect(await update('sepia')).toMatchObject({ ok: false });
    expect(standIn.electron.nativeTheme.themeSource).toBe('system');
  });

  it('a fresh install follows the OS (themeSource "system")', async () => {
    const { standIn } = await launchReady({ osDark: true });
    expect(standIn.calls).toContainEqual(['nativeTheme.themeSource', 'system']);
    expect(standIn.windows[0]!.options.backgroundColor).toBe('#0f1420');
  });

  it('quits when the window closes on stock GNOME, where no tray icon can be seen', async () => {
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', 'unix:path=/nonexistent/traindeck-test-bus');
    try {
      const { standIn } = await launchReady({ env: { XDG_CURRENT_DESKTOP: 'GNOME' } });
      standIn.electron.app.emit('window-all-closed');
      // The D-Bus probe is a child process (gdbus, 2 s limit): wait for it, within a bound.
      for (let wait = 0; wait < 300 && !standIn.names().includes('app.quit'); wait++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(standIn.names()).toContain('app.quit');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
