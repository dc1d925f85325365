import { useId, useState } from 'react';

import type { RunSyncState, SyncFolderStatus } from '../../../../../shared/domain/run-sync';
import { Badge } from '../../../components/badge';
import { AlertIcon, CheckIcon } from '../../../components/icons/ui-icons';
import { Spinner } from '../../../components/spinner';
import {
  bytesParts,
  DIRECTION_TITLES,
  filesText,
  rateText,
  settledSummary,
  stateBadge,
  verifiedText,
} from './sync-cells';

import './sync-status.css';

const DIRECTIONS = ['pull', 'push'] as const;
const COLUMNS = 6;

/**
 * Per-folder sync figures of a run: the pull and the push, each folder with files, bytes,
 * rate, state and what its verification found. Live while the data moves; once everything is
 * done (training runs for hours after the pull) folded to one line per direction, which opens.
 */
export function SyncStatus({ sync, ended }: { sync: RunSyncState | undefined; ended: boolean }) {
  const groups = DIRECTIONS.map((direction) => [direction, sync?.[direction] ?? []] as const).filter(
    ([, folders]) => folders.length > 0,
  );
  const summary = settledSummary(sync);
  const settled = summary !== undefined;
  // The user's choice holds until the sync moves on (a push starts: shown again, whatever was chosen).
  const [choice, setChoice] = useState<{ settled: boolean; open: boolean }>();
  const open = choice?.settled === settled ? choice.open : !settled;
  const tableId = useId();
  return (
    <section className="sync-status" aria-labelledby="sync-title">
      <div className="sync-status__head">
        <h3 id="sync-title" className="wizard-subsection__title">
          Data sync
        </h3>
        {summary && (
          <>
            <span className="sync-status__summary tabular" data-testid="sync-summary">
              <CheckIcon size={12} /> {summary.join(' · ')}
            </span>
            <button
              type="button"
              className="sync-status__toggle"
              aria-expanded={open}
              aria-controls={tableId}
              onClick={() => setChoice({ settled, open: !open })}
              data-testid="sync-toggle"
            >
              {open ? 'Hide folders' : 'Show folders'}
            </button>
          </>
        )}
      </div>
      {groups.length === 0 ? (
        <p className="sync-status__empty" data-testid="sync-status-empty">
          {ended ? 'No sync figures were recorded for this run.' : 'Sync figures appear when the pull starts.'}
        </p>
      ) : (
        <div className="sync-status__scroll" id={tableId} hidden={!open}>
          <table className="sync-status__table table-head" data-testid="sync-status">
            <caption className="visually-hidden">Sync status per folder, pull then push</caption>
            <thead>
              <tr>
                <th scope="col">Folder · policy</th>
                <th scope="col" className="num">
                  Files
                </th>
                <th scope="col" className="num">
                  Bytes
                </th>
                <th scope="col" className="num">
                  Rate
                </th>
                <th scope="col">State</th>
                <th scope="col">Verification</th>
              </tr>
            </thead>
            {groups.map(([direction, folders]) => (
              <tbody key={direction} data-testid={`sync-${direction}`}>
                <tr className="sync-status__group">
                  <th scope="rowgroup" colSpan={COLUMNS}>
                    {DIRECTION_TITLES[direction]}
                  </th>
                </tr>
                {folders.map((folder) => (
                  <FolderRow
                    key={folder.folder}
                    folder={folder}
                    ended={ended}
                    verifies={direction === 'push' || folder.policy === 'pull-only'}
                    testId={`sync-${direction}-${folder.folder}`}
                  />
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
    </section>
  );
}

// The datasets are verified after the pull, every pushed folder after the push; the other pulled folders never are.
function FolderRow({
  folder,
  ended,
  verifies,
  testId,
}: {
  folder: SyncFolderStatus;
  ended: boolean;
  verifies: boolean;
  testId: string;
}) {
  const state = stateBadge(folder, ended);
  const verified = folder.verified;
  return (
    <tr data-testid={testId} data-state={folder.state}>
      {/* Name and policy wrap onto two lines in a narrow window instead of widening the table. */}
      <th scope="row" className="sync-status__folder">
        <span className="sync-status__name">{folder.folder}</span>{' '}
        <span className="sync-status__policy">{folder.policy}</span>
      </th>
      <td className="num tabular">{filesText(folder)}</td>
      <td className="num tabular sync-status__bytes">
        {bytesParts(folder).map((part, i) => (
          <span key={i}>
            {i > 0 && ' / '}
            <span className="sync-status__nowrap">{part}</span>
          </span>
        ))}
      </td>
      <td className="num tabular">{rateText(folder)}</td>
      <td>
        <Badge tone={state.tone}>
          {state.label === 'Moving' && <Spinner size={10} />}
          {state.label}
        </Badge>
      </td>
      <td
        className={`sync-status__verified${verified ? (verified.ok ? ' is-ok' : ' is-bad') : ''}`}
        data-testid={`${testId}-verified`}
      >
        {verified ? (
          <span className="sync-status__mark">
            {verified.ok ? <CheckIcon size={12} /> : <AlertIcon size={12} />}
            <span className="visually-hidden">{verified.ok ? 'Passed: ' : 'Failed: '}</span>
            {verifiedText(verified)}
          </span>
        ) : (
          <span className="sync-status__none">
            {verifies && !ended ? (
              'pending'
            ) : (
              <>
                <span aria-hidden="true">—</span>
                <span className="visually-hidden">not verified</span>
              </>
            )}
          </span>
        )}
      </td>
    </tr>
  );
}
