import type { StepId, WizardDraft } from '../../wizard/draft';
import type { FieldErrors } from '../../wizard/validate';

/** What every form step gets: its slice of the draft, the errors and warnings shown for it, a patcher for that slice, and the file fields' blur. */
export interface StepProps<K extends Exclude<StepId, 'review'>> {
  value: WizardDraft[K];
  errors: FieldErrors;
  /** Notes that do not block (a key other users can read), by field key. */
  warnings?: FieldErrors | undefined;
  /** A field naming a file on this computer lost focus: main checks it (by field key). */
  onFileBlur?: ((key: string) => void) | undefined;
  onChange: (patch: Partial<WizardDraft[K]>) => void;
}
