import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { Button } from '../../../components/button';
import { ArrowRightIcon, CloseIcon } from '../../../components/icons/ui-icons';
import { Stepper } from '../components/wizard/stepper';
import { useWizard } from '../stores/wizard';
import { useWizardAws } from '../stores/wizard-aws';
import { STEP_IDS, STEP_META, type StepId } from '../wizard/draft';
import { stepErrors, validateDraft } from '../wizard/validate';
import { StepBody } from './step-body';

import '../components/wizard/wizard.css';

/** The open wizard: stepper, the current step, Back/Next. Loads what each step needs as it is shown. */
export function WizardView() {
  const { step, reached, draft, shown } = useWizard(
    useShallow((s) => ({ step: s.step, reached: s.reached, draft: s.draft, shown: s.shown })),
  );
  const { next, back, goTo, close } = useWizard.getState();
  const aws = useWizardAws.getState();
  const validation = useMemo(() => validateDraft(draft), [draft]);
  const invalid = Object.fromEntries(
    STEP_IDS.map((s) => [s, Boolean(shown[s]) && Object.keys(stepErrors(validation.errors, s)).length > 0]),
  ) as Partial<Record<StepId, boolean>>;
  const errors = shown[step] ? stepErrors(validation.errors, step) : {};
  const { profile, region } = draft.account;
  const configKey = validation.config ? JSON.stringify(validation.config) : undefined;

  useEffect(() => void aws.loadProfiles(), [aws]);
  useEffect(() => {
    if (step === 'account') void aws.checkIdentity(profile, region);
  }, [aws, step, profile, region]);
  useEffect(() => {
    if (step === 'compute') void aws.loadInstanceTypes(profile, region);
  }, [aws, step, profile, region]);
  useEffect(() => {
    if (step === 'review' && validation.config && useWizardAws.getState().preflight?.key !== configKey) {
      void aws.runPreflight(validation.config);
    }
  }, [aws, step, configKey, validation.config]);

  const index = STEP_IDS.indexOf(step);
  const errorCount = Object.keys(errors).length;
  return (
    <section className="card wizard" aria-labelledby="wizard-step-title" data-testid="wizard" data-step={step}>
      <header className="card__header">
        <div className="card__heading">
          <h2 className="card__title">New run{draft.account.name ? `: ${draft.account.name}` : ''}</h2>
          <p className="card__subtitle">
            Step {index + 1} of {STEP_IDS.length}. Nothing is created in AWS before Launch.
          </p>
        </div>
        <Button variant="ghost" size="sm" icon={<CloseIcon size={13} />} onClick={close}>
          Close
        </Button>
      </header>
      <div className="wizard__stepper">
        <Stepper current={step} reached={reached} invalid={invalid} onGo={goTo} />
      </div>
      {/* A form so that Enter in a field means Next, as in any desktop wizard. */}
      <form
        className="wizard__body"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (step !== 'review') next();
        }}
      >
        <h3 id="wizard-step-title" className="wizard__step-title">
          {STEP_META[step].title}
        </h3>
        <StepBody step={step} errors={errors} config={validation.config} />
        <button type="submit" hidden tabIndex={-1} aria-hidden="true" />
      </form>
      <footer className="wizard__footer">
        <span className="wizard__footer-note" role="status" data-testid="wizard-status">
          {errorCount
            ? `${errorCount} field${errorCount === 1 ? ' needs' : 's need'} attention before you continue.`
            : ''}
        </span>
        <Button onClick={back} disabled={index === 0} data-testid="wizard-back">
          Back
        </Button>
        {step !== 'review' && (
          <Button
            variant="primary"
            iconEnd={<ArrowRightIcon size={14} />}
            onClick={() => next()}
            data-testid="wizard-next"
          >
            Next: {STEP_META[STEP_IDS[index + 1] ?? 'review'].title}
          </Button>
        )}
      </footer>
    </section>
  );
}
