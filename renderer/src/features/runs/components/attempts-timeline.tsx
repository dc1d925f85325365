import {
  attemptCostWords,
  attemptDurationSeconds,
  attemptEndWords,
  attemptsInOrder,
  attemptsTotalCost,
  attemptsTotalWords,
  attemptsWorthListing,
  type RunAttempt,
} from '../../../../../shared/report/run-attempts';
import { countOf } from '../../../../../shared/text/plural';
import { AlertIcon, ArrowRightIcon, CheckIcon } from '../../../components/icons/ui-icons';
import { Spinner } from '../../../components/spinner';
import { formatDuration } from '../../../format/time';

import './attempts-timeline.css';

/** The tone of an attempt's end: the colour of its bar, always beside its words and icon. */
const TONE: Record<NonNullable<RunAttempt['end']> | 'running', 'success' | 'warn' | 'danger' | 'muted' | 'accent'> = {
  running: 'accent',
  finished: 'success',
  interrupted: 'warn',
  failed: 'danger',
  'launch-failed': 'danger',
  stopped: 'muted',
};

/**
 * Each launch of the run's instance on one timeline, left to right, widths by duration:
 * "1 · eu-west-1a · spot · 42 min · spot interruption → 2 · eu-west-1b · spot · running". Shown
 * when there is more than one attempt or one ended otherwise than finished (a run launched once
 * and fine needs no such line). Every state is said in words and an icon, not by colour alone.
 */
export function AttemptsTimeline({ attempts, now }: { attempts: RunAttempt[] | undefined; now: number }) {
  if (!attempts || !attemptsWorthListing(attempts)) return null;
  const ordered = attemptsInOrder(attempts);
  const seconds = ordered.map((a) => attemptDurationSeconds(a, now) ?? 0);
  const total = seconds.reduce((sum, s) => sum + s, 0);
  const interrupted = ordered.filter((a) => a.end === 'interrupted').length;
  return (
    <section className="attempts" aria-labelledby="attempts-title" data-testid="run-attempts">
      <div className="attempts__head">
        <h3 id="attempts-title" className="wizard-subsection__title">
          Attempts
        </h3>
        <span className="attempts__lead" data-testid="attempts-lead">
          {countOf(ordered.length, 'launch', 'launches')}
          {interrupted ? ` · ${countOf(interrupted, 'spot interruption')}` : ''} · {costWords(ordered)}
        </span>
      </div>
      <ol className="attempts__list" aria-label="Attempts of the run, in launch order">
        {ordered.map((a, i) => {
          const tone = TONE[a.end ?? 'running'];
          const took = attemptDurationSeconds(a, now);
          // Widths follow durations, but a short attempt keeps room for its words (the row wraps when it must).
          const grow = total > 0 ? Math.max(seconds[i]! / total, 0.15) : 1;
          return (
            <li
              key={a.attempt}
              className={`attempts__segment attempts__segment--${tone}`}
              style={{ flexGrow: grow }}
              data-testid={`attempt-${a.attempt}`}
              data-end={a.end ?? 'running'}
            >
              {i > 0 && (
                <span className="attempts__arrow" aria-hidden="true">
                  <ArrowRightIcon size={12} />
                </span>
              )}
              <span className="attempts__line">
                <strong>Attempt {a.attempt}</strong> · {a.zone} · {a.market}
              </span>
              <span className="attempts__line attempts__state">
                <span className="attempts__icon" aria-hidden="true">
                  {a.end === undefined ? (
                    <Spinner size={12} />
                  ) : a.end === 'finished' ? (
                    <CheckIcon size={12} />
                  ) : (
                    <AlertIcon size={12} />
                  )}
                </span>
                {took === undefined ? '' : `${formatDuration(took)} · `}
                {attemptEndWords(a)}
              </span>
              <span className="attempts__line attempts__meta">
                {a.instanceType} · <code>{a.instanceId || '—'}</code> ·{' '}
                <span title={a.costNote}>
                  {a.costUsd === undefined ? (a.end ? 'cost unknown' : 'cost when it ends') : attemptCostWords(a)}
                </span>
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

// The attempts' cost together; while one runs, what the ended ones cost (it is priced when it ends).
function costWords(attempts: RunAttempt[]): string {
  const total = attemptsTotalCost(attempts);
  if (total.usd !== null) return `together ${attemptsTotalWords(total)}`;
  const ended = attempts.filter((a) => a.end);
  const endedTotal = attemptsTotalCost(ended);
  if (ended.length < attempts.length && endedTotal.usd !== null && ended.length > 0) {
    return `ended attempts ${attemptsTotalWords(endedTotal)}, the running one priced when it ends`;
  }
  return 'cost together unknown';
}
