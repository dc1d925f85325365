import { AlertIcon, CheckIcon } from '../../../../components/icons/ui-icons';
import { STEP_IDS, STEP_META, type StepId } from '../../wizard/draft';

import './stepper.css';

/**
 * What the stepper says about a step: valid now (✓), has a problem (errors shown, or a failing
 * preflight check it owns: red), or neither yet (its number).
 */
export type StepMark = 'done' | 'invalid' | 'todo';

interface StepperProps {
  current: StepId;
  reached: number;
  marks: Record<StepId, StepMark>;
  onGo: (step: StepId) => void;
}

/** The wizard's steps: reached ones are buttons back to them, each says whether it is valid, the current one is marked. */
export function Stepper({ current, reached, marks, onGo }: StepperProps) {
  return (
    <nav aria-label="Launch wizard steps">
      <ol className="stepper">
        {STEP_IDS.map((step, index) => {
          // A problem shows even on the current step; otherwise the current step is marked as current.
          const state = marks[step] === 'invalid' ? 'invalid' : step === current ? 'current' : marks[step];
          const reachable = index <= reached && step !== current;
          return (
            <li
              key={step}
              className={`stepper__item stepper__item--${state}${step === current && state !== 'current' ? ' stepper__item--current' : ''}`}
            >
              <button
                type="button"
                className="stepper__button"
                onClick={() => onGo(step)}
                disabled={!reachable}
                aria-current={step === current ? 'step' : undefined}
                data-testid={`step-${step}`}
                data-mark={marks[step]}
              >
                <span className="stepper__number" aria-hidden="true">
                  {state === 'invalid' ? (
                    <AlertIcon size={12} />
                  ) : state === 'done' ? (
                    <CheckIcon size={12} />
                  ) : (
                    index + 1
                  )}
                </span>
                <span className="stepper__text">
                  <span className="stepper__title">
                    {STEP_META[step].title}
                    {state === 'invalid' && <span className="visually-hidden"> (has errors)</span>}
                  </span>
                  <span className="stepper__detail">{STEP_META[step].detail}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
