import { create } from 'zustand';

import type { RunConfig } from '../../../../../shared/run-config/schema';
import { emptyDraft, STEP_IDS, type StepId, type WizardDraft } from '../wizard/draft';
import { configToDraft } from '../wizard/to-config';
import { stepErrors, validateDraft } from '../wizard/validate';

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
  start(defaults?: { profile?: string; region?: string; localRoot?: string }): void;
  startFrom(config: RunConfig, fingerprint?: string): void;
  close(): void;
  update<S extends Section>(section: S, patch: Partial<WizardDraft[S]>): void;
  /** Validates the current step; moves on only when it has no error. */
  next(): boolean;
  back(): void;
  goTo(step: StepId): void;
}

const indexOf = (step: StepId) => STEP_IDS.indexOf(step);

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

  start: (defaults) => set({ open: true, step: 'account', reached: 0, draft: emptyDraft(defaults), shown: {} }),

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

  next: () => {
    const { step, draft, reached, shown } = get();
    const errors = stepErrors(validateDraft(draft).errors, step);
    if (Object.keys(errors).length > 0) {
      set({ shown: { ...shown, [step]: true } });
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

  goTo: (step) => {
    if (indexOf(step) <= get().reached) set({ step });
  },
}));
