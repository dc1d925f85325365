import { emptyDraft, STEP_IDS, type StepId, type WizardDraft } from './draft';

/** An unfinished wizard as it is kept between visits: the draft, where the user was, and when. */
export interface SavedDraft {
  draft: WizardDraft;
  step: StepId;
  reached: number;
  savedAt: string;
}

const STORAGE_KEY = 'traindeck.wizard-draft.v1';

/**
 * Keeps the unfinished wizard in the window's localStorage. Why there and not in main's app data
 * folder: the draft holds no secret (names, paths, a key's fingerprint, never a key), it is this
 * window's unfinished input that nothing in main acts on, and localStorage survives Close, a reload
 * and a restart of the app (Electron keeps it in its profile; the browser host keeps one origin per
 * port). It is not shared between the desktop app and a browser tab, which is fine for a draft.
 */
export const draftStorage = {
  load(storage: Storage | undefined = globalStorage()): SavedDraft | undefined {
    const text = safely(() => storage?.getItem(STORAGE_KEY));
    if (!text) return undefined;
    try {
      const saved = JSON.parse(text) as Partial<SavedDraft>;
      return isSavedDraft(saved) ? saved : undefined;
    } catch {
      return undefined;
    }
  },
  save(saved: SavedDraft, storage: Storage | undefined = globalStorage()): void {
    safely(() => storage?.setItem(STORAGE_KEY, JSON.stringify(saved)));
  },
  clear(storage: Storage | undefined = globalStorage()): void {
    safely(() => storage?.removeItem(STORAGE_KEY));
  },
};

function globalStorage(): Storage | undefined {
  return typeof localStorage === 'undefined' ? undefined : localStorage;
}

// A full or disabled storage (private mode, quota) must not break the wizard: the draft is a convenience.
function safely<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}

/** A saved value from an older or tampered version is dropped rather than half-loaded. */
function isSavedDraft(value: Partial<SavedDraft>): value is SavedDraft {
  const draft = value.draft as Partial<WizardDraft> | undefined;
  return (
    typeof value.savedAt === 'string' &&
    typeof value.reached === 'number' &&
    (STEP_IDS as readonly string[]).includes(value.step ?? '') &&
    Boolean(draft?.account && draft.compute && draft.code && draft.data && draft.training) &&
    Array.isArray(draft?.data?.folders) &&
    Array.isArray(draft?.code?.overrides) &&
    Array.isArray(draft?.training?.env)
  );
}

/** True when the draft holds something the user typed beyond profile and region (a fresh wizard is not worth keeping). */
export function hasInput(draft: WizardDraft): boolean {
  const fresh = emptyDraft({ profile: draft.account.profile, region: draft.account.region });
  const comparable = (d: WizardDraft) => JSON.stringify({ ...d, data: { ...d.data, keyPath: '' } });
  return comparable(draft) !== comparable(fresh);
}
