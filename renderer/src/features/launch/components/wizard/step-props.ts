import type { StepId, WizardDraft } from '../../wizard/draft';
import type { FieldErrors } from '../../wizard/validate';

/** What every form step gets: its slice of the draft, the errors shown for it, and a patcher for that slice. */
export interface StepProps<K extends Exclude<StepId, 'review'>> {
  value: WizardDraft[K];
  errors: FieldErrors;
  onChange: (patch: Partial<WizardDraft[K]>) => void;
}
