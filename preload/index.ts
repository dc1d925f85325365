/**
 * Sandboxed preload: exposes the typed contract as `window.traindeck` and nothing else.
 * Bundled to CommonJS (a sandboxed preload cannot load ES modules or other files).
 */
import { contextBridge, ipcRenderer } from 'electron';

import { createPreloadApi } from './api';

contextBridge.exposeInMainWorld('traindeck', createPreloadApi(ipcRenderer));
