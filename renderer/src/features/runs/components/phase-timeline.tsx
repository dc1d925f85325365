import { type PhaseState, RUN_PHASES, type RunPhase } from '../../../../../shared/domain/run';
import { AlertIcon, CheckIcon } from '../../../components/icons/ui-icons';
import { RichText } from '../../../components/rich-text';
import { Spinner } from '../../../components/spinner';
import { formatDuration } from '../../../format/time';
import { provisioningStep, ProvisioningWait } from './provisioning-wait';

import './phase-timeline.css';

/** How each phase is named on screen. */
export const PHASE_LABELS: Record<RunPhase, string> = {
  preflight: 'Preflight',
  provisioning: 'Provision',
  connecting: 'Connect',
  bootstrapping: 'Bootstrap',
  checkout: 'Checkout',
  pulling: 'Pull',
  verifying: 'Verify',
  training: 'Train',
  pushing: 'Push',
  'verifying-sync': 'Verify S3',
  'tearing-down': 'Teardown',
};

/** The run's phases left to right: done, running (with its time so far), failed (with why), skipped. */
export function PhaseTimeline({
  phases,
  now,
  endedAt,
  showFailure = true,
}: {
  phases: Record<RunPhase, PhaseState>;
  now: number;
  endedAt?: string | undefined;
  /** False where the run's failure summary says why (once), so the timeline does not say it again. */
  showFailure?: boolean;
}) {
  const failed = RUN_PHASES.map((p) => [p, phases[p]] as const).find(([, state]) => state.status === 'failed');
  const provisioning = endedAt ? undefined : provisioningStep(phases.provisioning);
  // Where the instance landed once provisioning is done, with any capacity failover on the way
  // ("eu-west-1a: no capacity → eu-west-1b: launched").
  const placement = phases.provisioning.status === 'succeeded' ? phases.provisioning.detail?.placement : undefined;
  return (
    <div className="timeline">
      <ol className="timeline__list" aria-label="Run phases">
        {RUN_PHASES.map((phase) => {
          const raw = phases[phase];
          // A phase still "running" when the run has ended was cut short: it stopped with the run.
          const state: PhaseState = endedAt && raw.status === 'running' ? { ...raw, status: 'skipped', endedAt } : raw;
          const took = state.startedAt
            ? ((state.endedAt ? Date.parse(state.endedAt) : now) - Date.parse(state.startedAt)) / 1000
            : undefined;
          return (
            <li
              key={phase}
              className={`timeline__phase timeline__phase--${state.status}`}
              data-testid={`phase-${phase}`}
              data-status={state.status}
            >
              <span className="timeline__mark" aria-hidden="true">
                {state.status === 'running' ? (
                  <Spinner size={12} />
                ) : state.status === 'succeeded' ? (
                  <CheckIcon size={12} />
                ) : state.status === 'failed' ? (
                  <AlertIcon size={12} />
                ) : null}
              </span>
              <span className="timeline__label">{PHASE_LABELS[phase]}</span>
              <span className="timeline__time tabular">
                {took === undefined ? (state.status === 'skipped' ? 'skipped' : '—') : formatDuration(took)}
              </span>
              <span className="visually-hidden">{state.status}</span>
            </li>
          );
        })}
      </ol>
      {provisioning && <ProvisioningWait step={provisioning} />}
      {typeof placement === 'string' && (
        <p className="timeline__placement selectable" data-testid="placement">
          <strong>Placement:</strong> {placement}
        </p>
      )}
      {failed && showFailure && (
        <p className="timeline__failure" role="alert">
          <strong>{PHASE_LABELS[failed[0]]} failed:</strong> {failed[1].reason ?? 'no reason given'}
          {failed[1].fix && (
            <>
              {' '}
              <RichText text={failed[1].fix} />
            </>
          )}
        </p>
      )}
    </div>
  );
}
