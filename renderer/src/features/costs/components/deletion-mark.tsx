import { AlertIcon, CheckIcon } from '../../../components/icons/ui-icons';
import { Spinner } from '../../../components/spinner';
import type { DeletionStatus } from '../stores/costs';

import './deletion-mark.css';

// `gone`: a stopped run's own teardown deleted it first (the title says which run), not this kill-all.
const LABELS = { deleting: 'Deleting…', deleted: 'Deleted', failed: 'Failed', gone: 'Already gone' } as const;

/** A resource's kill-all state: spinner, check, or alert with the reason (who deleted it, when already gone). */
export function DeletionMark({ status }: { status: DeletionStatus }) {
  return (
    <span className={`deletion-mark deletion-mark--${status.state}`} title={status.reason}>
      {status.state === 'deleting' && <Spinner size={12} />}
      {(status.state === 'deleted' || status.state === 'gone') && <CheckIcon size={12} />}
      {status.state === 'failed' && <AlertIcon size={12} />}
      {LABELS[status.state]}
    </span>
  );
}
