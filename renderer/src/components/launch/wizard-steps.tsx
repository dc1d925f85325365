import './wizard-steps.css';

/** One step of the launch wizard as previewed before the wizard exists. */
export interface WizardStep {
  title: string;
  detail: string;
}

/** The six steps, in order, so the user knows what the wizard will ask before it arrives. */
export const WIZARD_STEPS: WizardStep[] = [
  { title: 'Account', detail: 'AWS profile, region and S3 bucket' },
  { title: 'Compute', detail: 'Instance type, spot or on-demand, disk' },
  { title: 'Code', detail: 'Git repository, branch and overrides' },
  { title: 'Data', detail: 'Datasets, models and checkpoints to sync' },
  { title: 'Training', detail: 'Command, time limit and notifications' },
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
