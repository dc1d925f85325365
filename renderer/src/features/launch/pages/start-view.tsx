import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { DoctorCheck } from '../../../../../shared/domain/doctor';
import type { RunConfig } from '../../../../../shared/run-config/schema';
import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { DoctorChecklistSkeleton } from '../../../components/doctor/doctor-checklist';
import { EmptyState } from '../../../components/empty-state';
import { ErrorCallout } from '../../../components/error-callout';
import { ArrowRightIcon } from '../../../components/icons/ui-icons';
import { LaunchIllustration } from '../../../components/illustrations/launch-illustration';
import { useApp } from '../../../stores/app';
import { useConnection } from '../../../stores/connection';
import { copyText } from '../../../stores/copy-text';
import { useNavigation } from '../../../stores/navigation';
import { useSettings } from '../../../stores/settings';
import { ConnectAccount } from '../components/connect-account';
import { ReadinessList } from '../components/readiness-list';
import { TemplateList } from '../components/template-list';
import { WIZARD_STEPS, WizardSteps } from '../components/wizard-steps';
import { useLaunch } from '../stores/launch';
import { useWizard } from '../stores/wizard';
import { useWizardAws } from '../stores/wizard-aws';
import { DEFAULT_REGION, STEP_META } from '../wizard/draft';

import './start-view.css';

/** Before the wizard: start it, or open a saved template; and whether AWS looks ready. */
export function StartView() {
  const report = useApp((s) => s.doctor.report);
  const navigate = useNavigation((s) => s.navigate);
  const { templates, templatesLoaded, templatesError, templatesLoading } = useLaunch(
    useShallow((s) => ({
      templates: s.templates,
      templatesLoaded: s.templatesLoaded,
      templatesError: s.templatesError,
      templatesLoading: s.templatesLoading,
    })),
  );
  // Fresh templates on every visit, but only over an open connection: before it opens (page load)
  // or while it is down, the bridge loads them when it (re)connects.
  useEffect(() => {
    if (useConnection.getState().state.status === 'connected') void useLaunch.getState().loadTemplates();
  }, []);
  const awsChecks = report?.checks.filter((check) => check.id.startsWith('aws-')) ?? [];
  const regionCheck = report?.checks.find((c) => c.id === 'aws-region');
  // The doctor says e.g. "eu-west-1 (from profile …)": its first word is the region.
  const doctorRegion = regionCheck?.status === 'pass' ? regionCheck.value.split(' ')[0] : undefined;
  const region = doctorRegion && /^[a-z]{2}(-[a-z]+)+-\d$/.test(doctorRegion) ? doctorRegion : undefined;
  // Who the default credentials are decides the first screen: the wizard, or "Connect your AWS account".
  const identity = useWizardAws((s) => s.identity);
  const identityKey = `@${region ?? DEFAULT_REGION}`;
  // Checked over an open connection, and again when it opens: an answer given while the host was down
  // ("not connected … reconnecting") is not an answer about the account, and must not stay on screen.
  const connection = useConnection((s) => s.state.status);
  useEffect(() => {
    if (connection !== 'connected') return;
    const current = useWizardAws.getState().identity;
    if (current?.key !== identityKey || current.error) {
      void useWizardAws.getState().checkIdentity('', region ?? DEFAULT_REGION);
    }
  }, [identityKey, region, connection]);
  const ownIdentity = identity?.key === identityKey ? identity : undefined;
  const connected = Boolean(ownIdentity?.value);
  const start = () => {
    useLaunch.getState().reset();
    // The Settings page's defaults first, then what the AWS setup says.
    const chosen = useSettings.getState().settings;
    const startRegion = chosen?.aws.region ?? region;
    useWizard.getState().start({
      ...(startRegion ? { region: startRegion } : {}),
      ...(chosen?.aws.profile ? { profile: chosen.aws.profile } : {}),
      ...(chosen?.dataFolder ? { localRoot: chosen.dataFolder } : {}),
    });
  };
  const saved = useWizard((s) => s.saved);
  const resume = () => {
    useLaunch.getState().reset();
    useWizard.getState().resume();
  };
  const checkAgain = () => {
    void useApp.getState().loadDoctor();
    void useWizardAws.getState().checkIdentity('', region ?? DEFAULT_REGION);
  };
  const open = (config: RunConfig, template: string) => {
    useLaunch.getState().reset();
    useLaunch.getState().openedFrom(template);
    useWizard.getState().startFrom(config);
    void useWizardAws.getState().prepareKey();
  };
  return (
    <div className="page-grid">
      <div className="page-column">
        {saved && (
          <Card
            title="Unfinished run"
            subtitle="Kept from your last visit; starting a new wizard replaces it."
            testId="saved-draft"
          >
            <div className="card-footer">
              <span>
                {saved.draft.account.name || 'Unnamed run'} · stopped at {STEP_META[saved.step].title} · saved{' '}
                {new Date(saved.savedAt).toLocaleString()}
              </span>
              <span className="card-footer__actions">
                <Button size="sm" variant="ghost" onClick={() => useWizard.getState().discardSaved()}>
                  Discard
                </Button>
                <Button size="sm" variant="primary" onClick={resume} data-testid="resume-draft">
                  Resume
                </Button>
              </span>
            </div>
          </Card>
        )}
        {ownIdentity?.error ? (
          <ConnectAccount
            identity={ownIdentity}
            region={regionCheck}
            onCheckAgain={checkAgain}
            onCopyPolicy={(text) => void copyText(text, 'The IAM policy')}
            onChooseProfile={start}
          />
        ) : (
          <Card testId="launch-empty">
            <EmptyState
              headingLevel={2}
              illustration={<LaunchIllustration />}
              title="Configure a run"
              body="Six steps, each checked as you go. Preflight verifies everything in AWS before anything is created; then one click starts your training."
              action={
                <Button
                  variant="primary"
                  size="lg"
                  onClick={start}
                  loading={!connected}
                  disabled={!connected}
                  data-testid="start-wizard"
                >
                  {connected ? 'Start the launch wizard' : 'Checking your AWS account…'}
                </Button>
              }
            />
            <WizardSteps steps={WIZARD_STEPS} />
          </Card>
        )}
        <Card title="Templates" subtitle="Finished wizards you saved, ready to launch again" testId="launch-templates">
          {templatesError && (
            <div className="card-error">
              <ErrorCallout error={templatesError} title="Templates could not be loaded" />
              <Button
                size="sm"
                onClick={() => void useLaunch.getState().loadTemplates()}
                disabled={templatesLoading}
                data-testid="templates-retry"
              >
                Retry
              </Button>
            </div>
          )}
          {!templatesLoaded ? (
            <DoctorChecklistSkeleton rows={2} />
          ) : templates.length ? (
            <TemplateList
              templates={templates}
              onOpen={(t) => open(t.config as RunConfig, t.name)}
              onDelete={(name) => void useLaunch.getState().deleteTemplate(name)}
            />
          ) : (
            <p className="card-message">No templates yet. Save one from the wizard's Review step.</p>
          )}
        </Card>
      </div>
      <Card title="Before you launch" subtitle="From the environment check" testId="launch-readiness">
        {report ? <ReadinessList checks={awsChecks} /> : <DoctorChecklistSkeleton rows={4} />}
        <div className="card-footer">
          <span>{report ? summarize(awsChecks) : 'Checking…'}</span>
          <Button size="sm" iconEnd={<ArrowRightIcon size={14} />} onClick={() => navigate('settings')}>
            Open Settings
          </Button>
        </div>
      </Card>
    </div>
  );
}

/** "3 need attention" or "All set" for the readiness footer. */
function summarize(checks: DoctorCheck[]): string {
  const problems = checks.filter((check) => check.status === 'warn' || check.status === 'fail').length;
  return problems ? `${problems} to fix before launch` : 'Ready for launch';
}
