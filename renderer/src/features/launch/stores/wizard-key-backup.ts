import { create } from 'zustand';

import type { KeyFileInfo } from '../../../../../shared/domain/account';
import type { AppError } from '../../../../../shared/ipc/result';
import { api } from '../../../bridge/api-ref';
import { useWizard } from './wizard';

interface KeyBackupStore {
  /** Where the plain copy goes; typed by the user (the browser host has no file dialog). */
  path: string;
  busy: boolean;
  /** The fingerprint of the key the last export was of: its outcome is shown only next to that key. */
  forKey: string;
  /** The last copy written: its path and fingerprint, never the key. */
  // `| undefined`: `set` clears these by writing undefined (leaving them out would keep the old value).
  exported?: KeyFileInfo | undefined;
  error?: AppError | undefined;
  setPath(path: string): void;
  /** Writes a plain 0600 copy of the draft's key to `path`; main never overwrites a file. */
  exportKey(): Promise<void>;
}

/**
 * The wizard's key backup (Export key). Its own store because it never changes the draft:
 * the run keeps using the key it has; the copy is for a safe place, or for the CLI.
 */
export const useKeyBackup = create<KeyBackupStore>()((set, get) => ({
  path: '',
  busy: false,
  forKey: '',

  setPath: (path) => set({ path, error: undefined }),

  exportKey: async () => {
    const { data } = useWizard.getState().draft;
    set({ busy: true, forKey: data.keyFingerprint, exported: undefined, error: undefined });
    const result = await api().invoke('keys.export', { path: data.keyPath.trim(), to: get().path.trim() });
    set(result.ok ? { busy: false, exported: result.value } : { busy: false, error: result.error });
  },
}));
