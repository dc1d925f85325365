import { create } from 'zustand';

import { api } from '../../../bridge/api-ref';
import { type FileAnswers, fileFields } from '../wizard/file-fields';
import { useWizard } from './wizard';

interface FileChecksStore {
  /** Main's last answer per field key, for the path it was asked about (a later edit makes it stale). */
  answers: FileAnswers;
  /**
   * Asks main about the file field `key` of the current draft (on blur): through `config.checkFiles`,
   * so the trust gate decides what may be looked at. A usable path is not asked about twice; an
   * answer for a path the field no longer holds is dropped.
   */
  checkField(key: string): Promise<void>;
}

/** A path main can place: absolute (POSIX or Windows) or from the home folder. */
const FULL_PATH = /^(\/|~(\/|\\|$)|[A-Za-z]:[\\/]|\\\\)/;

/** Main's verdicts on the wizard's file fields, asked when a field loses focus. */
export const useFileChecks = create<FileChecksStore>()((set, get) => ({
  answers: {},
  checkField: async (key) => {
    const field = fileFields(useWizard.getState().draft).find((f) => f.key === key);
    if (!field) return;
    const path = field.path.trim();
    // Asked again on every blur unless on its way or fine: the user may have fixed the file meanwhile (chmod, Allow).
    const last = get().answers[key];
    if (last?.path === path && (!last.check || (last.check.ok && !last.check.reason))) return;
    // Main's gate refuses a relative path as it refuses a folder it may not read: say the true reason here.
    if (!FULL_PATH.test(path)) {
      return set({ answers: { ...get().answers, [key]: { path, check: { path, ok: false, reason: 'relative' } } } });
    }
    set({ answers: { ...get().answers, [key]: { path } } });
    const result = await api().invoke('config.checkFiles', { paths: [path], kinds: [field.kind] });
    if (get().answers[key]?.path !== path) return;
    const check = result.ok ? result.value[0] : undefined;
    // No answer (the host away): nothing is said, and the next blur asks again.
    const { [key]: _asked, ...others } = get().answers;
    set({ answers: check ? { ...others, [key]: { path, check } } : others });
  },
}));
