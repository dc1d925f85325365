/**
 * A STAND-IN for the `electron` module, for tests that run main-process code in plain Node
 * (the Electron binary cannot be downloaded here). It is not Electron: it records each call in
 * order and enforces only the rules a real app would trip over — no windows, trays, sessions or
 * protocol handlers before `ready`, scheme privileges only before it, an absolute `userData` — so that the startup order and paths can be checked.
 * The real Electron specs (e2e/electron) remain the proof where the binary exists.
 */
import { EventEmitter } from 'node:events';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** One recorded call: the API's name, then its arguments. */
export type RecordedCall = [name: string, ...args: unknown[]];

/** How the stand-in behaves. */
export interface StandInOptions {
  /** What `requestSingleInstanceLock()` answers (another instance holds it when false). */
  lockGranted?: boolean;
  isPackaged?: boolean;
  /** Default paths (`home`, `appData`, `logs`…); `userData` follows `setPath`. */
  paths?: Record<string, string>;
  /** Makes `new BrowserWindow` throw this message (a startup failure). */
  windowThrows?: string;
  /** safeStorage: the backend name Linux reports, and whether a real encryption works. */
  storageBackend?: string;
  encryptionWorks?: boolean;
  /** safeStorage: the tag it puts in front of what it seals (OSCrypt: v10 hard-coded key, v11 keyring). */
  sealTag?: string;
  /** safeStorage: what decryptStringAsync says about a rotated key. */
  shouldReEncrypt?: boolean;
  /** nativeTheme: whether the OS is in dark mode (what `themeSource = 'system'` follows). */
  osDark?: boolean;
}

/** A BrowserWindow's webContents, enough for main's code paths. */
class StandInWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = StandInWebContents.nextId++;
  readonly mainFrame = {};
  url = '';
  constructor(private readonly record: (...call: RecordedCall) => void) {
    super();
  }
  getURL() {
    return this.url;
  }
  send(channel: string, payload: unknown) {
    this.record('webContents.send', channel, payload);
  }
  reload() {
    this.record('webContents.reload');
  }
  setWindowOpenHandler(handler: unknown) {
    this.record('webContents.setWindowOpenHandler', typeof handler);
  }
}

/** Builds a fresh stand-in `electron` module and the record of what was called on it. */
export function createElectronStandIn(options: StandInOptions = {}) {
  const calls: RecordedCall[] = [];
  const record = (...call: RecordedCall) => void calls.push(call);
  let ready = false;
  const requireReady = (what: string) => {
    if (!ready) throw new Error(`stand-in electron: ${what} before the app is ready`);
  };
  const paths: Record<string, string> = { home: '/home/stand-in', temp: '/tmp', ...options.paths };

  /** An EventEmitter whose `on`/`once` are recorded as `<name>.on <event>`. */
  const recordedEmitter = <T extends EventEmitter>(name: string, emitter: T): T => {
    for (const method of ['on', 'once'] as const) {
      const original = emitter[method].bind(emitter);
      Object.assign(emitter, {
        [method]: (event: string, listener: (...args: unknown[]) => void) => {
          record(`${name}.${method}`, event);
          return original(event, listener);
        },
      });
    }
    return emitter;
  };

  let readyResolve: () => void = () => undefined;
  const whenReadyPromise = new Promise<void>((resolve) => (readyResolve = resolve));
  const app = recordedEmitter(
    'app',
    Object.assign(new EventEmitter(), {
      isPackaged: options.isPackaged ?? false,
      name: 'TrainDeck',
      getVersion: () => '0.0.0-stand-in',
      isReady: () => ready,
      whenReady: () => {
        record('app.whenReady');
        return whenReadyPromise;
      },
      setPath(name: string, value: string) {
        record('app.setPath', name, value);
        // Electron throws on a relative path ("Path must be absolute").
        if (!isAbsolute(value)) throw new Error(`Path must be absolute: ${value}`);
        paths[name] = value;
      },
      getPath(name: string) {
        if (name === 'logs' && !paths.logs && paths.userData) return join(paths.userData, 'logs');
        const value = paths[name];
        if (!value) throw new Error(`stand-in electron: no path for "${name}"`);
        return value;
      },
      setAppLogsPath(value: string) {
        record('app.setAppLogsPath', value);
        paths.logs = value;
      },
      setAppUserModelId: (id: string) => record('app.setAppUserModelId', id),
      requestSingleInstanceLock: () => {
        // Electron keys the lock on userData: which one is in force at this moment is the point.
        record('app.requestSingleInstanceLock', paths.userData);
        return options.lockGranted ?? true;
      },
      quit: () => record('app.quit'),
      exit: (code?: number) => record('app.exit', code),
    }),
  );

  const windows: StandInWindow[] = [];
  class StandInWindow extends EventEmitter {
    readonly webContents = new StandInWebContents(record);
    private destroyed = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      requireReady('new BrowserWindow');
      if (options_.windowThrows) throw new Error(options_.windowThrows);
      record('new BrowserWindow', { show: options.show });
      windows.push(this);
      recordedEmitter('window', this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string) {
      record('window.loadURL', url);
      this.webContents.url = url;
      return Promise.resolve();
    }
    loadFile(file: string, load: { hash?: string } = {}) {
      record('window.loadFile', file, load);
      this.webContents.url = pathToFileURL(file).href + (load.hash ? `#${load.hash}` : '');
      return Promise.resolve();
    }
    show = () => record('window.show');
    focus = () => record('window.focus');
    restore = () => record('window.restore');
    isMinimized = () => false;
    isDestroyed = () => this.destroyed;
    destroy = () => {
      this.destroyed = true;
      this.emit('closed');
    };
    static getAllWindows = () => windows.filter((w) => !w.isDestroyed());
  }
  const options_ = options;

  const notifications: StandInNotification[] = [];
  class StandInNotification extends EventEmitter {
    static isSupported = () => true;
    constructor(readonly options: Record<string, unknown>) {
      super();
      notifications.push(this);
    }
    show = () => record('notification.show', this.options.title);
  }

  class StandInTray extends EventEmitter {
    constructor(image: unknown) {
      super();
      requireReady('new Tray');
      record('new Tray', image);
    }
    setToolTip = (text: string) => record('tray.setToolTip', text);
    setImage = (image: unknown) => record('tray.setImage', image);
    setContextMenu = (menu: unknown) => record('tray.setContextMenu', menu);
    destroy = () => record('tray.destroy');
  }

  const permissionHandlers: { request?: unknown; check?: unknown } = {};
  const defaultSession = {
    setPermissionRequestHandler: (handler: unknown) => (permissionHandlers.request = handler),
    setPermissionCheckHandler: (handler: unknown) => (permissionHandlers.check = handler),
    webRequest: { onHeadersReceived: () => record('session.onHeadersReceived') },
  };

  /** Handlers installed with `protocol.handle`, by scheme: a test can send them requests. */
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const protocol = {
    registerSchemesAsPrivileged: (schemes: unknown[]) => {
      // Electron: "can only be used before the ready event of the app module gets emitted".
      if (ready) throw new Error('stand-in electron: protocol.registerSchemesAsPrivileged after the app is ready');
      record('protocol.registerSchemesAsPrivileged', schemes);
    },
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
      requireReady('protocol.handle');
      record('protocol.handle', scheme);
      protocolHandlers.set(scheme, handler);
    },
  };

  /** Handlers installed with `ipcMain.handle`, by channel: a test can invoke them as the window would. */
  const ipcHandlers = new Map<string, (event: unknown, payload: unknown) => unknown>();

  // Electron's nativeTheme: `themeSource` is what the app asks for, `shouldUseDarkColors` what follows.
  let themeSource: 'system' | 'light' | 'dark' = 'system';
  const nativeTheme = {
    get themeSource() {
      return themeSource;
    },
    set themeSource(value: 'system' | 'light' | 'dark') {
      if (!['system', 'light', 'dark'].includes(value)) throw new Error(`stand-in electron: themeSource ${value}`);
      record('nativeTheme.themeSource', value);
      themeSource = value;
    },
    get shouldUseDarkColors() {
      return themeSource === 'dark' || (themeSource === 'system' && (options.osDark ?? false));
    },
  };

  const encryptionWorks = options.encryptionWorks ?? true;
  const electron = {
    app,
    BrowserWindow: StandInWindow,
    Notification: StandInNotification,
    Tray: StandInTray,
    Menu: {
      buildFromTemplate: (template: unknown[]) => ({ template }),
      setApplicationMenu: (menu: unknown) => record('Menu.setApplicationMenu', menu),
    },
    nativeImage: {
      createFromPath: (path: string) => {
        const image = { path, template: false, setTemplateImage: (on: boolean) => (image.template = on) };
        return image;
      },
    },
    nativeTheme,
    protocol,
    session: {
      get defaultSession() {
        requireReady('session.defaultSession');
        return defaultSession;
      },
      fromPartition: () => defaultSession,
    },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, payload: unknown) => unknown) => {
        record('ipcMain.handle', channel);
        ipcHandlers.set(channel, handler);
      },
      removeHandler: (channel: string) => record('ipcMain.removeHandler', channel),
    },
    dialog: {
      showErrorBox: (title: string, content: string) => record('dialog.showErrorBox', title, content),
      showMessageBox: async (...args: unknown[]) => {
        record('dialog.showMessageBox', ...args);
        return { response: 0, checkboxChecked: false };
      },
    },
    shell: {
      openExternal: async (url: string) => record('shell.openExternal', url),
      openPath: async (path: string) => {
        record('shell.openPath', path);
        return '';
      },
    },
    safeStorage: {
      isAsyncEncryptionAvailable: async () => true,
      getSelectedStorageBackend: () => options.storageBackend ?? 'gnome_libsecret',
      encryptStringAsync: async (text: string) => {
        record('safeStorage.encryptStringAsync');
        if (!encryptionWorks) throw new Error('Encryption is not available.');
        return Buffer.from(`${options.sealTag ?? 'v11'}${text}`);
      },
      decryptStringAsync: async (sealed: Buffer) => ({
        result: sealed.subarray(3).toString(),
        shouldReEncrypt: options.shouldReEncrypt ?? false,
      }),
    },
    powerMonitor: recordedEmitter('powerMonitor', new EventEmitter()),
    net: {
      isOnline: () => {
        record('net.isOnline');
        return true;
      },
    },
    powerSaveBlocker: {
      start: () => {
        record('powerSaveBlocker.start');
        return 1;
      },
      stop: () => record('powerSaveBlocker.stop'),
      isStarted: () => false,
    },
  };

  return {
    /** The module to hand to code that requires `electron`. */
    electron,
    calls,
    windows,
    notifications,
    permissionHandlers,
    protocolHandlers,
    ipcHandlers,
    /** Names of the recorded calls, in order (`app.on` calls carry their event: `app.on second-instance`). */
    names: () =>
      calls.map(([name, ...args]) =>
        name.endsWith('.on') || name.endsWith('.once') ? `${name} ${String(args[0])}` : name,
      ),
    /** Resolves `app.whenReady()` and emits `ready`, as Electron does once it has started. */
    becomeReady() {
      ready = true;
      readyResolve();
      app.emit('ready');
    },
  };
}

/** The stand-in's type. */
export type ElectronStandIn = ReturnType<typeof createElectronStandIn>;
