import { useState } from 'react';

import type { AppError } from '../../../../shared/ipc/result';
import type { UnfinishedRun } from '../../../../shared/ipc/run-commands';
import { PHASE_LABELS } from '../../features/runs/components/phase-timeline';
import type { ReattachAction, ReattachItem } from '../../stores/unfinished-runs';
import { Button } from '../button';
import { AlertIcon, ArrowRightIcon, PowerIcon, RefreshIcon } from '../icons/ui-icons';
import { RichText } from '../rich-text';
import { Spinner } from '../spinner';
import { billingBasis, billingLabel, whereLabel } from './reattach-banner-labels';
import { TeardownConfirmDialog } from './teardown-confirm-dialog';

import './reattach-banner.css';

interface ReattachBannerProps {
  items: ReattachItem[];
  /** Why main could not say which runs are unfinished (shown with a retry). */
  loadError?: AppError | undefined;
  onReload(): void;
  onAction(runId: string, action: ReattachAction): void;
  /** A failed item's retry: the same action again, or the verified teardown by tag. */
  onRetry(item: ReattachItem): void;
  /** Opens the Runs page on this run (its live monitor). */
  onShow(runId: string): void;
}

/**
 * Across the top of every page while a killed TrainDeck left runs unfinished: each says what
 * it is, where, and what it still bills, with Reattach (follow it to its end) and Tear down
 * (stop, push, verified teardown). It stays until the run is finished and its teardown verified.
 */
export function ReattachBanner({ items, loadError, onReload, onAction, onRetry, onShow }: ReattachBannerProps) {
  const [confirming, setConfirming] = useState<UnfinishedRun | undefined>();
  const shown = items.filter((item) => item.state.status !== 'done');
  if (shown.length === 0 && !loadError) return null;
  return (
    <section className="reattach-banner" aria-labelledby="reattach-banner-title" data-testid="reattach-banner">
      <h2 id="reattach-banner-title" className="visually-hidden">
        {shown.length === 1 ? 'An unfinished run' : `${shown.length || 'No'} unfinished runs`}
      </h2>
      <ul className="reattach-banner__list">
        {loadError && (
          <li className="reattach-banner__item reattach-banner__item--failed" data-testid="unfinished-load-error">
            <div className="reattach-banner__body" role="alert">
              <AlertIcon size={15} className="reattach-banner__icon reattach-banner__icon--danger" />
              <p>
                <strong>Could not check for unfinished runs.</strong> <RichText text={loadError.message} />{' '}
                {loadError.fix && (
                  <span className="reattach-banner__hint">
                    <RichText text={loadError.fix} />
                  </span>
                )}
              </p>
            </div>
            <div className="reattach-banner__actions">
              <Button size="sm" variant="primary" icon={<RefreshIcon size={13} />} onClick={onReload}>
                Check again
              </Button>
            </div>
          </li>
        )}
        {shown.map((item) => (
          <li
            key={item.run.runId}
            className={`reattach-banner__item reattach-banner__item--${item.state.status}`}
            data-testid={`unfinished-${item.run.runId}`}
            data-status={item.state.status}
          >
            <ItemBody item={item} />
            <ItemActions
              item={item}
              onReattach={() => onAction(item.run.runId, 'reattach')}
              onTeardown={() => setConfirming(item.run)}
              onRetry={() => onRetry(item)}
              onShow={() => onShow(item.run.runId)}
            />
          </li>
        ))}
      </ul>
      {confirming && (
        <TeardownConfirmDialog
          run={confirming}
          onConfirm={() => {
            onAction(confirming.runId, 'teardown');
            setConfirming(undefined);
          }}
          onClose={() => setConfirming(undefined)}
        />
      )}
    </section>
  );
}

function ItemBody({ item }: { item: ReattachItem }) {
  const { run, state } = item;
  // The phase ids read as what was going on: "provisioning", "training", "verifying S3", "tearing down".
  const phase = run.phase ? run.phase.replace('-sync', ' S3').replace('-', ' ') : 'its start';
  if (state.status === 'working') {
    const doing =
      state.action === 'reattach' ? 'Reattached: following it to its end' : 'Tearing down: stopping, pushing, deleting';
    return (
      <div className="reattach-banner__body" role="status">
        <Spinner size={14} />
        <p>
          <strong>{run.name}</strong> — {doing}
          {state.phase ? ` (now: ${PHASE_LABELS[state.phase]})` : '…'}.{' '}
          <span className="reattach-banner__hint">This stays here until its teardown is verified.</span>
        </p>
      </div>
    );
  }
  if (state.status === 'failed') {
    return (
      <div className="reattach-banner__body" role="alert">
        <AlertIcon size={15} className="reattach-banner__icon reattach-banner__icon--danger" />
        <p>
          <strong>{run.name}</strong> — {state.retry === 'action' ? actionName(state.action) + ' did not start. ' : ''}
          <RichText text={state.error.message} />{' '}
          {state.error.fix && (
            <span className="reattach-banner__hint">
              <RichText text={state.error.fix} />
            </span>
          )}
        </p>
      </div>
    );
  }
  if (run.unreadable) {
    // Who ran it and where its machine is cannot be read: said with the fix; its resources stay on Costs.
    return (
      <div className="reattach-banner__body" role="alert">
        <AlertIcon size={15} className="reattach-banner__icon reattach-banner__icon--danger" />
        <p>
          <strong>{run.name}</strong> was left unfinished, but its attach journal cannot be read:{' '}
          <RichText text={run.unreadable.message} />{' '}
          <span className="reattach-banner__hint">
            {run.unreadable.fix && <RichText text={run.unreadable.fix} />} Until then, Costs lists and deletes what it
            may still bill.
          </span>
        </p>
      </div>
    );
  }
  // Which prices the figure is of (their region and date) and how a spot instance was priced.
  const basis = billingBasis(run);
  return (
    <div className="reattach-banner__body">
      <AlertIcon size={15} className="reattach-banner__icon" />
      <p>
        <strong>{run.name}</strong> was left unfinished when TrainDeck stopped during {phase}.{' '}
        <span className="reattach-banner__facts">
          {whereLabel(run)} · <span className="tabular">{billingLabel(run)}</span>
        </span>
        {basis && (
          <>
            .{' '}
            <span className="reattach-banner__hint" data-testid={`unfinished-basis-${run.runId}`}>
              {basis}
            </span>
          </>
        )}
      </p>
    </div>
  );
}

function ItemActions({
  item,
  onReattach,
  onTeardown,
  onRetry,
  onShow,
}: {
  item: ReattachItem;
  onReattach(): void;
  onTeardown(): void;
  onRetry(): void;
  onShow(): void;
}) {
  const { run, state } = item;
  const label = `${run.name}`;
  if (state.status === 'working') {
    return (
      <div className="reattach-banner__actions">
        <Button size="sm" variant="ghost" iconEnd={<ArrowRightIcon size={13} />} onClick={onShow}>
          Show on Runs
        </Button>
      </div>
    );
  }
  if (state.status === 'failed') {
    return (
      <div className="reattach-banner__actions">
        <Button
          size="sm"
          variant="primary"
          icon={state.retry === 'dismiss' ? undefined : <RefreshIcon size={13} />}
          onClick={onRetry}
        >
          {state.retry === 'teardown'
            ? 'Retry teardown'
            : state.retry === 'dismiss'
              ? 'Dismiss'
              : `Retry ${actionName(state.action).toLowerCase()}`}
        </Button>
        <Button size="sm" variant="ghost" onClick={onShow}>
          Show on Runs
        </Button>
      </div>
    );
  }
  // Neither follows nor tears down without its journal: main refuses both, so neither is offered.
  if (run.unreadable) return null;
  return (
    <div className="reattach-banner__actions">
      {run.canFollow && (
        <Button size="sm" variant="primary" aria-label={`Reattach ${label}`} onClick={onReattach}>
          Reattach
        </Button>
      )}
      <Button
        size="sm"
        variant="danger"
        icon={<PowerIcon size={13} />}
        aria-label={`Tear down ${label}`}
        onClick={onTeardown}
      >
        Tear down
      </Button>
    </div>
  );
}

function actionName(action: ReattachAction): string {
  return action === 'reattach' ? 'Reattach' : 'Teardown';
}
