import { AlertIcon, CheckIcon } from '../../../../components/icons/ui-icons';
import { STEP_IDS, STEP_META, type StepId } from '../../wizard/draft';

import './stepper.css';

interface StepperProps {
  current: StepId;
  reached: number;
  /** Steps that have errors the user has been shown. */
  invalid: Partial<Record<StepId, boolean>>;
  onGo: (step: StepId) => void;
}

/** The wizard's steps: done ones are buttons back to them, the current one is marked, later ones wait. */
export function Stepper({ current, reached, invalid, onGo }: StepperProps) {
  const currentIndex = STEP_IDS.indexOf(current);
  return (
    <nav aria-label="Launch wizard steps">
      <ol className="stepper">
        {STEP_IDS.map((step, index) => {
          const state =
            step === current
              ? 'current'
              : invalid[step]
                ? 'invalid'
                : index < currentIndex || index <= reached
                  ? 'done'
                  : 'todo';
          const reachable = index <= reached && step !== current;
          return (
            <li key={step} className={`stepper__item stepper__item--${state}`}>
              <button
                type="button"
                className="stepper__button"
                onClick={() => onGo(step)}
                disabled={!reachable}
                aria-current={step === current ? 'step' : undefined}
                data-testid={`step-${step}`}
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
