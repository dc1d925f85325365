import type { JobState } from '../../../../shared/domain/job';
import { AlertIcon, CheckIcon, CloseIcon } from '../icons/ui-icons';
import { Spinner } from '../spinner';

import './job-state-badge.css';

const LABELS: Record<JobState, string> = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** A job's lifecycle state as a colored pill with a glyph. */
export function JobStateBadge({ state }: { state: JobState }) {
  return (
    <span className={`job-state job-state--${state}`} data-state={state}>
      {state === 'running' && <Spinner size={11} />}
      {state === 'succeeded' && <CheckIcon size={12} />}
      {state === 'failed' && <AlertIcon size={12} />}
      {state === 'cancelled' && <CloseIcon size={12} />}
      {LABELS[state]}
    </span>
  );
}
