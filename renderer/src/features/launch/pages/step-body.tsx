import { useShallow } from 'zustand/react/shallow';

import type { RunConfig } from '../../../../../shared/run-config/schema';
import { copyText } from '../../../stores/copy-text';
import { AccountStep } from '../components/wizard/account-step';
import { CodeStep } from '../components/wizard/code-step';
import { ComputeStep } from '../components/wizard/compute-step';
import { DataStep } from '../components/wizard/data-step';
import { ReviewStep } from '../components/wizard/review-step';
import { TrainingStep } from '../components/wizard/training-step';
import { useFileChecks } from '../stores/file-checks';
import { useLaunch } from '../stores/launch';
import { useWizard } from '../stores/wizard';
import { useWizardAws } from '../stores/wizard-aws';
import { useKeyBackup } from '../stores/wizard-key-backup';
import { proposedPrefix, type StepId } from '../wizard/draft';
import type { FieldErrors } from '../wizard/validate';

/** The current step's component, wired to the stores (the components themselves take props only). */
export function StepBody({
  step,
  errors,
  warnings,
  config,
}: {
  step: StepId;
  errors: FieldErrors;
  /** Notes that do not block (main's word on a file field), by field key. */
  warnings: FieldErrors;
  config: RunConfig | undefined;
}) {
  const draft = useWizard((s) => s.draft);
  const update = useWizard.getState().update;
  const aws = useWizardAws(
    useShallow((s) => ({
      profiles: s.profiles,
      identity: s.identity,
      regions: s.regions,
      instanceTypes: s.instanceTypes,
      preflight: s.preflight,
      prices: s.prices,
      key: s.key,
    })),
  );
  const keyBackup = useKeyBackup(
    useShallow((s) => ({ path: s.path, busy: s.busy, forKey: s.forKey, exported: s.exported, error: s.error })),
  );
  const launch = useLaunch(
    useShallow((s) => ({
      saving: s.saving,
      savedAs: s.savedAs,
      openedTemplate: s.openedTemplate,
      nameTaken: s.nameTaken,
      exported: s.exported,
      actionError: s.actionError,
      launchError: s.launchError,
    })),
  );
  const actions = useWizardAws.getState();
  // A field naming a file on this computer is checked through main as it loses focus.
  const files = { warnings, onFileBlur: (key: string) => void useFileChecks.getState().checkField(key) };
  const launchActions = useLaunch.getState();
  switch (step) {
    case 'account':
      return (
        <AccountStep
          value={draft.account}
          errors={errors}
          profiles={aws.profiles}
          identity={aws.identity}
          regions={aws.regions?.value}
          onChange={(patch) => update('account', patch)}
          onCheckIdentity={() => void actions.checkIdentity(draft.account.profile, draft.account.region)}
        />
      );
    case 'compute':
      return (
        <ComputeStep
          value={draft.compute}
          region={draft.account.region}
          errors={errors}
          {...files}
          types={aws.instanceTypes}
          prices={aws.prices}
          onChange={(patch) => update('compute', patch)}
        />
      );
    case 'code':
      return <CodeStep value={draft.code} errors={errors} {...files} onChange={(patch) => update('code', patch)} />;
    case 'data':
      return (
        <DataStep
          value={draft.data}
          errors={errors}
          {...files}
          proposedPrefix={proposedPrefix(draft.account.name)}
          keyStatus={{ busy: aws.key.busy, error: aws.key.error, info: aws.key.info }}
          keyBackup={keyBackup}
          keyActions={{
            onPrepare: () => void actions.prepareKey(),
            onSeal: () => void actions.sealKey(),
            onBackupPathChange: (path) => useKeyBackup.getState().setPath(path),
            onExport: () => void useKeyBackup.getState().exportKey(),
            onUseExisting: () => {
              update('data', { keyMode: 'import', keyFingerprint: '' });
              void actions.prepareKey();
            },
          }}
          onChange={(patch) => update('data', patch)}
        />
      );
    case 'training':
      return (
        <TrainingStep
          value={draft.training}
          errors={errors}
          {...files}
          onChange={(patch) => update('training', patch)}
        />
      );
    case 'review':
      return (
        <ReviewStep
          config={config}
          preflight={aws.preflight}
          prices={aws.prices}
          onRerun={() => config && void actions.runPreflight(config)}
          {...launch}
          onSave={(name, replace) => config && void launchActions.saveTemplate(name, config, replace)}
          onKeepTaken={() => launchActions.keepTaken()}
          onExport={() => config && void launchActions.exportConfig(config)}
          onCopy={(text) => void copyText(text, 'The run config (JSON)')}
          onFix={(home) => useWizard.getState().goTo(home.step, home.field)}
        />
      );
  }
}
