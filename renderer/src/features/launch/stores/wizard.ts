import { create } from 'zustand';

import type { RunConfig } from '../../../../../shared/run-config/schema';
import { emptyDraft, STEP_IDS, type StepId, type WizardDraft } from '../wizard/draft';
import { draftStorage, hasInput, type SavedDraft } from '../wizard/saved-draft';
import { configToDraft } from '../wizard/to-config';
import { type FieldErrors, stepErrors, validateDraft } from '../wizard/validate';

type Section = Exclude<keyof WizardDraft, never>;

interface WizardStore {
  /** False: the start screen (templates, "Start the launch wizard"). */
  open: boolean;
  step: StepId;
  /** The furthest step reached: the stepper lets the user jump back to any step up to it. */
  reached: number;
  draft: WizardDraft;
  /** Steps whose errors are shown (after a Next that failed, or once visited and left). */
  shown: Partial<Record<StepId, boolean>>;
  /** The unfinished wizard kept from an earlier visit (../wizard/saved-draft.ts), offered on the start screen. */
  saved: SavedDraft | undefined;
  start(defaults?: { profile?: string; region?: string; localRoot?: string }): void;
  startFrom(config: RunConfig, fingerprint?: string): void;
  /** Reopens the saved draft where the user left it. */
  resume(): void;
  /** Forgets the saved draft (Start over, or the run launched). */
  discardSaved(): void;
  close(): void;
  update<S extends Section>(section: S, patch: Partial<WizardDraft[S]>): void;
  /**
   * Validates the current step; moves on only when it has no error. `blockers` are errors only the
   * page knows (the Account step's identity check), keyed like field errors.
   */
  next(blockers?: FieldErrors): boolean;
  back(): void;
  /** Shows `step` (up to the furthest reached), focusing `field` there (a Field's key) or else the step's heading. */
  goTo(step: StepId, field?: string): void;
  /** The field to focus once the step shows (a Fix button's target, or the first invalid field after a blocked Next). */
  focus: string | undefined;
  /** Done by the page once it focused `focus`. */
  focused(): void;
}

const indexOf = (step: StepId) => STEP_IDS.indexOf(step);

/** `focus` value meaning "the first invalid field of the step, in screen order". */
export const FIRST_INVALID = '*invalid';

/**
 * The launch wizard's draft and navigation. Nothing here calls the API: the draft lives in
 * the window until Review, where preflight, templates, export and launch (their own stores) use it.
 * Back and Next never drop input: the draft is one object, steps only show parts of it.
 */
export const useWizard = create<WizardStore>()((set, get) => ({
  open: false,
  step: 'account',
  reached: 0,
  draft: emptyDraft(),
  shown: {},
  saved: draftStorage.load(),

  start: (defaults) => set({ open: true, step: 'account', reached: 0, draft: emptyDraft(defaults), shown: {} }),

  resume: () => {
    const saved = get().saved;
    if (!saved) return;
    // Steps before the one reached were left with Next: their errors show again, as they did.
    const shown = Object.fromEntries(STEP_IDS.slice(0, saved.reached).map((s) => [s, true]));
    set({ open: true, step: saved.step, reached: saved.reached, draft: saved.draft, shown });
  },

  discardSaved: () => {
    draftStorage.clear();
    set({ saved: undefined });
  },

  // A template is a finished wizard: every step is reachable and checked, Review comes first.
  startFrom: (config, fingerprint) =>
    set({
      open: true,
      step: 'review',
      reached: STEP_IDS.length - 1,
      draft: configToDraft(config, fingerprint),
      shown: Object.fromEntries(STEP_IDS.map((s) => [s, true])),
    }),

  close: () => set({ open: false }),

  update: (section, patch) => set({ draft: { ...get().draft, [section]: { ...get().draft[section], ...patch } } }),

  next: (blockers = {}) => {
    const { step, draft, reached, shown } = get();
    const errors = { ...stepErrors(validateDraft(draft).errors, step), ...blockers };
    if (Object.keys(errors).length > 0) {
      // The page focuses the first invalid field in its order on screen.
      set({ shown: { ...shown, [step]: true }, focus: FIRST_INVALID });
      return false;
    }
    const following = STEP_IDS[indexOf(step) + 1];
    if (!following) return false;
    set({ step: following, reached: Math.max(reached, indexOf(following)), shown: { ...shown, [step]: true } });
    return true;
  },

  back: () => {
    const previous = STEP_IDS[indexOf(get().step) - 1];
    if (previous) set({ step: previous });
  },

  goTo: (step, field) => {
    if (indexOf(step) <= get().reached) set({ step, focus: field });
  },

  focus: undefined,
  focused: () => set({ focus: undefined }),
}));

// Work is never lost: every change of an open wizard with input is kept, so Close, a reload or a
// restart offers it again (a template opened unchanged is already saved, as a template).
useWizard.subscribe((state, previous) => {
  if (!state.open) return;
  if (state.draft === previous.draft && state.step === previous.step && state.open === previous.open) return;
  if (!hasInput(state.draft)) return;
  const saved = { draft: state.draft, step: state.step, reached: state.reached, savedAt: new Date().toISOString() };
  draftStorage.save(saved);
  useWizard.setState({ saved });
});
