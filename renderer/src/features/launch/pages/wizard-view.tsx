import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { AwsIdentity } from '../../../../../shared/domain/account';
import type { RegionPrices } from '../../../../../shared/domain/account';
import type { RunConfig } from '../../../../../shared/run-config/schema';
import { Button } from '../../../components/button';
import { ArrowRightIcon, CloseIcon } from '../../../components/icons/ui-icons';
import { formatUsd } from '../../../format/money';
import { runEstimate } from '../components/wizard/cost-estimate';
import { type StepMark, Stepper } from '../components/wizard/stepper';
import { useFileChecks } from '../stores/file-checks';
import { useLaunch } from '../stores/launch';
import { FIRST_INVALID, useWizard } from '../stores/wizard';
import { type Loaded, useWizardAws } from '../stores/wizard-aws';
import { STEP_IDS, STEP_META, type StepId } from '../wizard/draft';
import { fileNotes } from '../wizard/file-fields';
import { launchNote } from '../wizard/launch-note';
import { failingSteps } from '../wizard/preflight-homes';
import { type FieldErrors, stepErrors, validateDraft } from '../wizard/validate';
import { StepBody } from './step-body';

import '../components/wizard/wizard.css';

/** The open wizard: stepper, the current step, Back/Next. Loads what each step needs as it is shown. */
export function WizardView() {
  const { step, reached, draft, shown, focus } = useWizard(
    useShallow((s) => ({ step: s.step, reached: s.reached, draft: s.draft, shown: s.shown, focus: s.focus })),
  );
  const preflight = useWizardAws((s) => s.preflight);
  const launch = useLaunch(useShallow((s) => ({ launching: s.launching })));
  const { next, back, goTo, close } = useWizard.getState();
  // The store's actions (stable across its updates; the effects below must not rerun on every answer).
  const [aws] = useState(() => useWizardAws.getState());
  const identity = useWizardAws((s) => s.identity);
  // The region's prices judge the budget as Review quotes it (validateDraft's prices).
  const loadedPrices = useWizardAws((s) => s.prices);
  const validation = useMemo(() => validateDraft(draft, loadedPrices), [draft, loadedPrices]);
  const { profile, region } = draft.account;
  // Next cannot pass an identity that failed (or has not answered): nothing after it could work.
  const identityProblem = identityBlocker(identity, `${profile}@${region}`);
  // The store's Next validates without prices: the budget's price-based error is handed to it here.
  const blockers: FieldErrors = {
    ...(step === 'account' && identityProblem ? { 'aws.identity': identityProblem } : {}),
    ...(step === 'training' && validation.errors['training.maxCostUsd']
      ? { 'training.maxCostUsd': validation.errors['training.maxCostUsd'] }
      : {}),
  };
  const configKey = validation.config ? JSON.stringify(validation.config) : undefined;
  // Preflight of this very config: its failures mark the steps that own them (red in the stepper).
  const report = preflight?.key === configKey && !preflight?.loading ? preflight?.value : undefined;
  const failing = report ? failingSteps(report.checks) : new Set<StepId>();
  const marks = Object.fromEntries(
    STEP_IDS.map((s) => {
      const hasErrors = Object.keys(stepErrors(validation.errors, s)).length > 0;
      if (failing.has(s) || (shown[s] && hasErrors)) return [s, 'invalid'];
      // ✓ only for a step that is valid now (Review: once preflight passed for this config).
      const valid = s === 'review' ? Boolean(report?.ok) : !hasErrors && (s !== 'account' || !identityProblem);
      return [s, valid && STEP_IDS.indexOf(s) <= reached ? 'done' : 'todo'];
    }),
  ) as Record<StepId, StepMark>;
  const shownErrors = shown[step] ? { ...stepErrors(validation.errors, step), ...blockers } : {};
  // Main's word on a file field, said as soon as the field is left (the schema's message comes first).
  const fileAnswers = useFileChecks((s) => s.answers);
  const files = useMemo(() => fileNotes(draft, fileAnswers), [draft, fileAnswers]);
  const errors = { ...stepErrors(files.errors, step), ...shownErrors };
  const warnings = stepErrors(files.warnings, step);
  const canLaunch = Boolean(report?.ok) && !preflight?.error;

  // Focus follows the wizard: the step's heading on each step, a Fix button's field, or the first
  // invalid field after a blocked Next (so keyboard and screen reader users land where the work is).
  const bodyRef = useRef<HTMLFormElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Undefined until the first render: opening the wizard counts as arriving at its step.
  const lastStep = useRef<StepId | undefined>(undefined);
  useEffect(() => {
    const stepChanged = lastStep.current !== step;
    lastStep.current = step;
    // Nothing asked (the first render, or the store clearing its request): focus stays where it is.
    if (!stepChanged && !focus) return;
    const body = bodyRef.current;
    const target =
      focus === FIRST_INVALID
        ? body?.querySelector<HTMLElement>(INVALID_CONTROL)
        : focus
          ? body?.querySelector<HTMLElement>(`[data-testid="field-${CSS.escape(focus)}"] :is(${CONTROL})`)
          : undefined;
    (target ?? headingRef.current)?.focus();
    if (focus) useWizard.getState().focused();
  }, [step, focus]);

  useEffect(() => void aws.loadProfiles(), [aws]);
  useEffect(() => {
    if (step === 'account') void aws.checkIdentity(profile, region);
  }, [aws, step, profile, region]);
  useEffect(() => {
    if (step === 'account') void aws.loadRegions(profile);
  }, [aws, step, profile]);
  useEffect(() => {
    if (step === 'compute') void aws.loadInstanceTypes(profile, region);
  }, [aws, step, profile, region]);
  // The draft's type, not the validated config's: the Compute step's picker needs the prices before the draft is whole.
  const instanceType = draft.compute.target === 'aws-ec2' ? draft.compute.instanceType : undefined;
  useEffect(() => {
    // The Training step too: its budget is checked at these prices.
    if ((step === 'compute' || step === 'training' || step === 'review') && instanceType) {
      void aws.loadPrices(profile, region, instanceType);
    }
  }, [aws, step, profile, region, instanceType]);
  const prices = loadedPrices?.value;
  useEffect(() => {
    if (step === 'review' && validation.config && useWizardAws.getState().preflight?.key !== configKey) {
      void aws.runPreflight(validation.config);
    }
  }, [aws, step, configKey, validation.config]);

  const index = STEP_IDS.indexOf(step);
  // What blocks Next (a file's problem blocks Launch, through preflight, not Next).
  const errorCount = Object.keys(shownErrors).length;
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
        <Stepper current={step} reached={reached} marks={marks} onGo={(s) => goTo(s)} />
      </div>
      {/* A form so that Enter in a field means Next, as in any desktop wizard. */}
      <form
        ref={bodyRef}
        className="wizard__body"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (step !== 'review') next(blockers);
        }}
      >
        <h3 id="wizard-step-title" className="wizard__step-title" tabIndex={-1} ref={headingRef}>
          {STEP_META[step].title}
        </h3>
        <StepBody step={step} errors={errors} warnings={warnings} config={validation.config} />
        <button type="submit" hidden tabIndex={-1} aria-hidden="true" />
      </form>
      <footer className="wizard__footer">
        <span className="wizard__footer-note" role="status" data-testid="wizard-status">
          {errorCount
            ? `${errorCount} field${errorCount === 1 ? ' needs' : 's need'} attention before you continue.`
            : ''}
          {step === 'review' && (
            <span id="launch-note" className="wizard__launch-note">
              {launchNote(report, canLaunch)}
            </span>
          )}
        </span>
        {step === 'review' && validation.config && <FooterCost config={validation.config} prices={prices} />}
        <Button onClick={back} disabled={index === 0} data-testid="wizard-back">
          Back
        </Button>
        {step === 'review' && (
          <Button
            variant="primary"
            iconEnd={<ArrowRightIcon size={14} />}
            disabled={!canLaunch}
            loading={launch.launching}
            onClick={() => validation.config && void useLaunch.getState().launch(validation.config)}
            aria-describedby="launch-note"
            data-testid="launch"
          >
            Launch
          </Button>
        )}
        {step !== 'review' && (
          <Button
            variant="primary"
            iconEnd={<ArrowRightIcon size={14} />}
            onClick={() => next(blockers)}
            data-testid="wizard-next"
          >
            Next: {STEP_META[STEP_IDS[index + 1] ?? 'review'].title}
          </Button>
        )}
      </footer>
    </section>
  );
}

/** Why the Account step may not be left yet: the identity check failed, or has not answered for this profile and region. */
function identityBlocker(identity: Loaded<AwsIdentity> | undefined, key: string): string | undefined {
  if (identity?.key === key && identity.value) return undefined;
  if (identity?.key === key && identity.error) {
    return 'Next needs an AWS identity that works: fix the problem shown above, then Check again.';
  }
  return 'Wait until AWS says who this profile is.';
}

const CONTROL = 'input:not([type="hidden"]), select, textarea, button';
/** The first control of an invalid field (or the identity's Check again), in screen order. */
const INVALID_CONTROL = `[data-invalid] :is(${CONTROL}), [aria-invalid="true"]`;

/** The run's cost in the sticky footer, next to Launch. */
function FooterCost({ config, prices }: { config: RunConfig; prices: RegionPrices | undefined }) {
  const estimate = runEstimate(config, prices);
  return (
    <span className="wizard__cost tabular" data-testid="footer-cost">
      {estimate === null
        ? 'Cost unknown'
        : `≈ ${formatUsd(estimate.hourly)}/h${estimate.atMost === undefined ? '' : ` · at most ${formatUsd(estimate.atMost)}`}`}
    </span>
  );
}
