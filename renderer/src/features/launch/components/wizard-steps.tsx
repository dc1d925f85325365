import './wizard-steps.css';

/** One step of the launch wizard, as previewed on the start screen. */
export interface WizardStep {
  title: string;
  detail: string;
}

/** The six steps, in order, so the user knows what the wizard will ask before starting it. */
export const WIZARD_STEPS: WizardStep[] = [
  { title: 'Account', detail: 'AWS profile, region and identity' },
  { title: 'Compute', detail: 'Instance type, spot or on-demand, disk, time limit' },
  { title: 'Code', detail: 'Git repository, branch and overrides' },
  { title: 'Data', detail: 'Bucket, folders to sync, encryption key' },
  { title: 'Training', detail: 'Command and environment' },
  { title: 'Review', detail: 'Preflight checks and cost estimate' },
];

/** A read-only stepper: numbered steps joined by a rail. */
export function WizardSteps({ steps }: { steps: WizardStep[] }) {
  return (
    <ol className="wizard-steps" aria-label="Launch wizard steps">
      {steps.map((step, index) => (
        <li key={step.title} className="wizard-step">
          <span className="wizard-step__number" aria-hidden="true">
            {index + 1}
          </span>
          <span className="wizard-step__title">{step.title}</span>
          <span className="wizard-step__detail">{step.detail}</span>
        </li>
      ))}
    </ol>
  );
}
